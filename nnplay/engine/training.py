"""The trainer: whole epochs in graph mode, progress snapshots, stop, divergence.

Why not `model.fit`: a toy problem has 25 tiny batches per epoch, and fit pays
Python and callback overhead on every one of them. Here a `tf.function` runs a
whole chunk of epochs (shuffling, batches, optimizer steps, test evaluation) in
one graph call, and the Python side only wakes up between chunks to hand the
page a snapshot. Chunks grow until one takes about `snapshot_interval` seconds,
so the page refreshes several times a second however fast the model trains.

Reproducible without global state: the initial weights are seeded per layer
(nnplay.engine.model) and each epoch's shuffle uses a stateless random op seeded with
(config.seed, epoch), so the same config gives the same loss history even when
other sessions train in the same process, and 50 + 50 epochs equal 100.

One definition of an epoch: the functions under "One epoch, the way nnplay trains"
are standalone (numpy, TensorFlow and each other only). The Trainer uses them, and
nnplay.export.keras_script copies their source into the exported Keras script, so the script
trains exactly as the page does and the two cannot drift apart.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from nnplay.config.catalog import OPTIMIZERS, TASKS
from nnplay.config.schema import PlaygroundConfig, check_fits_data, live_changes, n_outputs
from nnplay.data.dataset import Dataset
from nnplay.engine.keyframes import Keyframes
from nnplay.engine.model import build_model, build_optimizer, regularizer_for
from nnplay.engine.programs import PROGRAMS, Interrupted

# ==========================================================================
# One epoch, the way nnplay trains. Standalone top-level functions (numpy as np,
# TensorFlow as tf, and each other): nnplay.export.keras_script copies their source into the
# exported script. Keep them that way (no module globals, no nnplay imports).
# ==========================================================================


def targets_for_loss(task, y):
    """Labels in the shape and dtype each Keras loss expects."""
    if task == "multiclass":
        return y.astype(np.int32)
    if task == "multilabel":
        return y.astype(np.float32)
    return y.astype(np.float32).reshape(-1, 1)  # binary and regression: one output unit


def per_example_metrics(task, from_logits, y, outputs):
    """(batch, metrics) of 0/1 hits or absolute errors, one column per metric of the task's record
    (nnplay.config.catalog.TASKS[task].epoch_metrics), in its order."""
    threshold = 0.0 if from_logits else 0.5  # a logit > 0 is a probability > 0.5
    if task == "multiclass":
        hits = tf.cast(tf.equal(tf.argmax(outputs, axis=-1, output_type=tf.int32), y), tf.float32)
        return hits[:, None]
    if task == "binary":
        hits = tf.cast(tf.equal(tf.cast(outputs > threshold, tf.float32), y), tf.float32)
        return hits
    if task == "multilabel":
        label_hits = tf.cast(tf.equal(tf.cast(outputs > threshold, tf.float32), y), tf.float32)
        return tf.stack([tf.reduce_mean(label_hits, axis=-1), tf.reduce_min(label_hits, axis=-1)], axis=-1)
    return tf.abs(outputs - y)  # regression: absolute error


def train_step(model, optimizer, loss_fn, task, from_logits, xb, yb):
    """One optimizer step on one batch; returns the batch's loss sum and metric sums.

    The loss is Keras's mean over the batch plus the L1/L2 penalty (model.losses), as model.fit uses.
    """
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        outputs = model(xb, training=True)
        data_loss = loss_fn(yb, outputs)
        penalty = model.losses  # L1/L2 terms, empty without regularisation
        loss = data_loss + tf.add_n(penalty) if penalty else data_loss
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(grads, variables))
    count = tf.cast(tf.shape(xb)[0], tf.float32)
    return data_loss * count, tf.reduce_sum(per_example_metrics(task, from_logits, yb, outputs), axis=0)


def batch_order(n, seed, epoch):
    """The order of the n training examples in this epoch: a shuffle seeded by (seed, epoch).

    Stateless: it depends on nothing but its arguments, so epoch 7 is shuffled the same way
    whether it runs in a long run, after a pause, or in another program.
    """
    pair = tf.stack([tf.cast(seed, tf.int64), tf.cast(epoch, tf.int64)])  # seed: a number or a tensor
    return tf.argsort(tf.random.stateless_uniform([n], seed=pair))


def make_epoch_function(model, optimizer, loss_fn, task, from_logits, train, test, batch_size, seed,
                        n_metrics):
    """One whole epoch as a compiled function: epoch number (0-based) → losses and metrics.

    train, test: (x, y) tensors, y as targets_for_loss gives it. batch_size 0 means full batch.
    n_metrics: how many columns per_example_metrics gives for the task (its epoch metrics).
    The function returns (train loss, test loss, train metrics, test metrics): the train values
    are means over the epoch's batches (as the model was while it stepped), the test values are
    those of the model at the end of the epoch. Shapes are static (full batches via a reshape,
    the remainder batch on its own), so XLA compiles the whole epoch into one fused program.
    """
    x, y = train
    x_test, y_test = test
    n = int(x.shape[0])
    batch = n if batch_size == 0 else min(batch_size, n)
    n_full, remainder = divmod(n, batch)

    def step(xb, yb):
        return train_step(model, optimizer, loss_fn, task, from_logits, xb, yb)

    def one_epoch(epoch):
        loss_sum = tf.constant(0.0)
        metric_sum = tf.zeros([n_metrics])
        if n_full == 1 and remainder == 0:  # full batch: plain gradient descent, no shuffle needed
            loss_sum, metric_sum = step(x, y)
        else:
            order = batch_order(n, seed, epoch)
            batches = tf.reshape(order[: n_full * batch], [n_full, batch])
            for b in tf.range(n_full):
                batch_loss, batch_metric = step(tf.gather(x, batches[b]), tf.gather(y, batches[b]))
                loss_sum += batch_loss
                metric_sum += batch_metric
            if remainder:
                rest = order[n_full * batch :]
                batch_loss, batch_metric = step(tf.gather(x, rest), tf.gather(y, rest))
                loss_sum += batch_loss
                metric_sum += batch_metric
        test_outputs = model(x_test, training=False)
        test_loss = loss_fn(y_test, test_outputs)
        test_metric = tf.reduce_mean(per_example_metrics(task, from_logits, y_test, test_outputs), axis=0)
        return loss_sum / n, test_loss, metric_sum / n, test_metric

    # One signature (a scalar int32 epoch), so calling it with 0, 1, 2... traces and compiles it once.
    return tf.function(one_epoch, jit_compile=True, input_signature=[tf.TensorSpec([], tf.int32)])


# ==========================================================================
# The Trainer: chunks of epochs, snapshots, stop, divergence
# ==========================================================================

def epochs_graph(epoch_function, first_epoch, n_epochs):
    """Run n_epochs epochs in one graph call; returns per-epoch losses and metrics."""
    results = [tf.TensorArray(tf.float32, size=n_epochs) for _ in range(4)]
    for i in tf.range(n_epochs):
        values = epoch_function(first_epoch + i)
        results = [array.write(i, value) for array, value in zip(results, values)]
    return tuple(array.stack() for array in results)


@dataclass(frozen=True)
class Snapshot:
    """Where training stands after the latest epoch of a chunk."""

    epoch: int  # epochs completed in total, including earlier runs of this trainer
    target_epoch: int  # the epoch this run is heading for
    train_loss: float
    test_loss: float
    train_metrics: dict[str, float]
    test_metrics: dict[str, float]
    elapsed: float  # seconds since this run started

    @property
    def fraction_done(self) -> float:
        return 1.0 if self.target_epoch == 0 else min(1.0, self.epoch / self.target_epoch)


@dataclass(frozen=True)
class Change:
    """A setting changed while the model trained: epochs after `epoch` were trained with `new`."""

    epoch: int  # epochs completed when it took effect
    setting: str  # a PlaygroundConfig field (nnplay.config.schema.live_fields)
    old: object
    new: object

    @property
    def label(self) -> str:
        """ "learning rate 0.1": how the curve's marker names it."""
        value = f"{self.new:g}" if isinstance(self.new, float) else str(self.new)
        return f"{self.setting.replace('_', ' ')} {value}"


@dataclass
class History:
    """Per-epoch curves of everything a trainer has run (across continues), and the settings
    changed along the way."""

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_metrics: dict[str, list[float]] = field(default_factory=dict)
    test_metrics: dict[str, list[float]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.epoch)

    def setting_at(self, setting: str, epoch: int) -> object:
        """The value of a changed `setting` that epoch `epoch` (1-based) was trained with."""
        mine = [change for change in self.changes if change.setting == setting]
        value = mine[0].old
        for change in mine:
            if change.epoch < epoch:
                value = change.new
        return value

    def to_csv(self) -> str:
        """Every epoch's losses and metrics as CSV, and a column per setting changed mid-run (the
        value each epoch was trained with). repr() round-trips each float exactly, so two
        downloads can be compared digit for digit (e.g. the same link on two servers)."""
        columns = {"epoch": self.epoch, "train_loss": self.train_loss, "test_loss": self.test_loss}
        columns.update({f"train_{name}": values for name, values in self.train_metrics.items()})
        columns.update({f"test_{name}": values for name, values in self.test_metrics.items()})
        for setting in dict.fromkeys(change.setting for change in self.changes):
            columns[setting] = [self.setting_at(setting, epoch) for epoch in self.epoch]
        lines = [",".join(columns)]
        lines += [",".join(value if isinstance(value, str) else repr(value) for value in row)
                  for row in zip(*columns.values())]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class RunResult:
    """How a run ended: finished, stopped by the caller, diverged, or out of time."""

    status: str  # "finished" | "stopped" | "diverged" | "time_budget" | "abandoned" (its page was closed)
    epochs_run: int
    seconds: float
    message: str = ""
    diverged_epoch: int | None = None


_SHARED_TENSORS: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_SHARED_TENSORS_LOCK = threading.Lock()


def shared_tensor(array: np.ndarray, role: str) -> tf.Tensor:
    """TensorFlow's copy of a data array: inputs ("x") as float32, labels as the task's loss
    expects them (`role` = the task). A read-only array (a server's cached dataset, shared by its
    sessions) gets one copy for every trainer on it while any of them holds it: MNIST 70k is
    ~220 MB a copy. A writable array may still change, so it gets a copy of its own."""
    def convert():
        return tf.constant(array, tf.float32) if role == "x" else tf.constant(targets_for_loss(role, array))

    if array.flags.writeable:
        return convert()
    key = (id(array), role)
    with _SHARED_TENSORS_LOCK:
        tensor = _SHARED_TENSORS.get(key)
        if tensor is None:
            tensor = _SHARED_TENSORS[key] = convert()
            # Forget the key with the array, before Python can give its id to another one.
            weakref.finalize(array, _SHARED_TENSORS.pop, key, None)
    return tensor


def _finite_epochs(results: tuple[np.ndarray, ...]) -> int:
    """How many epochs of a chunk, from its first, ended with finite train and test losses."""
    train_loss, test_loss = results[0], results[1]
    bad = ~(np.isfinite(train_loss) & np.isfinite(test_loss))
    return int(np.argmax(bad)) if bad.any() else len(bad)


class Trainer:
    """Owns one model and its optimizer; `run(epochs)` trains on and yields snapshots.

    Calling `run` again continues with the optimizer state kept (play/pause);
    `run(1)` is TF Playground's step. The caller may stop consuming the
    generator at any snapshot: the model keeps its weights and `history` keeps
    every epoch completed so far.
    """

    def __init__(self, config: PlaygroundConfig, data: Dataset, snapshot_interval: float = 0.25):
        self.config = config  # the settings it trains with now (apply_settings changes the live ones)
        self.start_config = config  # what it was built for: restart() goes back to it
        self.snapshot_interval = snapshot_interval
        outputs = n_outputs(config, data.n_classes)
        check_fits_data(config, data.n_features, outputs)  # a CSV's width is only known now
        self.n_features, self.n_outputs = data.n_features, outputs
        # Asked while it waits for its shared program (nnplay.engine.programs); a live run sets it.
        self.interrupted: Callable[[], bool] = lambda: False
        self.model = build_model(config, inputs=data.n_features, outputs=outputs)
        self.optimizer = build_optimizer(config)
        self.optimizer.build(self.model.trainable_variables)
        self.metric_names = TASKS[config.task].epoch_metrics
        self._clear_progress()
        self.attach_data(data)
        # The compiled program that trains it is shared with every trainer of the same shape
        # (nnplay.engine.programs): this trainer owns only its state, its data and its history.
        self._initial_state = self._save_state()

    def apply_settings(self, config: PlaygroundConfig) -> list[Change]:
        """Train on with `config`'s learning rate, regularisation, batch size, epochs and optimizer
        settings, keeping the weights and the optimizer's state; the changes go into the history.
        Raises ValueError when `config` differs in anything else (that is another network)."""
        changed = live_changes(self.config, config)
        if changed is None:
            raise ValueError("Only the learning rate, the regularisation, the batch size, the epochs and the "
                             "optimizer's own settings can change while a model trains.")
        changes = [Change(self.epoch, name, getattr(self.config, name), value) for name, value in changed.items()]
        self._set_graph_settings(config)
        self.config = config
        self.history.changes.extend(changes)
        return changes

    def _set_graph_settings(self, config: PlaygroundConfig) -> None:
        """Point the model and the optimizer at `config`'s settings. The program that trains it is
        picked per chunk by these settings (nnplay.engine.programs); the trainer's own optimizer
        carries the learning rate (a variable copied into the program) and says what it trains with."""
        self.optimizer.learning_rate = config.learning_rate
        for name in OPTIMIZERS[config.optimizer].params:
            setattr(self.optimizer, name, getattr(config, name))
        _ensure_momentum_slots(self.optimizer, self.model.trainable_variables)  # part of the state
        regularizer = regularizer_for(config)
        for layer in self.model.layers:  # so a saved .keras model says what it was trained with
            layer.kernel_regularizer = regularizer
            layer.kernel.regularizer = regularizer

    def attach_data(self, data: Dataset) -> None:
        """Train on `data` (the arrays of the data this trainer was built for, or of the same shapes)."""
        self.data = data
        task = self.config.task
        self._train = (shared_tensor(data.x_train, "x"), shared_tensor(data.y_train, task))
        self._test = (shared_tensor(data.x_test, "x"), shared_tensor(data.y_test, task))

    def detach_data(self) -> None:
        """Let go of the data (a trainer waiting in the pool): attach_data gives it data again."""
        self.data = None
        self._train = self._test = None

    def restart(self) -> None:
        """Back to the seeded initial weights and a fresh optimizer, with an empty history; the
        next run's curve equals a new Trainer's, without building the Keras model and optimizer again."""
        if self.config != self.start_config:
            self._set_graph_settings(self.start_config)
            self.config = self.start_config
        self._restore_state(self._initial_state)
        self._clear_progress()

    def _clear_progress(self) -> None:
        """No epochs trained yet: an empty history and no result."""
        self.history = History(
            train_metrics={name: [] for name in self.metric_names},
            test_metrics={name: [] for name in self.metric_names},
        )
        self.epoch = 0
        self.last_result: RunResult | None = None
        self.keyframes = Keyframes()

    # ----------------------------------------------------------------- python
    def run(self, epochs: int | None = None, max_seconds: float | None = None) -> Iterator[Snapshot]:
        """Train `epochs` more epochs (default: config.epochs), yielding a snapshot per chunk.

        Ends with `self.last_result` set. On a NaN/inf loss the run ends "diverged" with the
        model, the optimizer and the history as they were after the last epoch whose losses
        were finite (the model's start when even the first epoch diverged: then no history).
        """
        epochs = self.config.epochs if epochs is None else epochs
        target = self.epoch + epochs
        start = time.perf_counter()
        chunk = 1
        self.last_result = RunResult("stopped", 0, 0.0, "Stopped.")
        first_epoch = self.epoch
        while self.epoch < target:
            chunk = min(chunk, target - self.epoch)
            before = self.epoch
            chunk_start = time.perf_counter()
            diverged = self.advance(chunk)
            chunk_seconds = time.perf_counter() - chunk_start
            if diverged is not None:
                elapsed = time.perf_counter() - start
                self.last_result = self.ended("diverged", first_epoch, elapsed, diverged)
                if self.epoch > before:
                    yield self.snapshot(target, elapsed)
                return
            elapsed = time.perf_counter() - start
            if self.epoch == before:  # interrupted while it waited for its program: stopped here
                self.last_result = self.ended("stopped", first_epoch, elapsed)
                return
            # What the run amounts to if the caller stops consuming at this snapshot.
            self.last_result = self.ended("stopped", first_epoch, elapsed)
            yield self.snapshot(target, elapsed)
            # Grow the chunk towards one snapshot per interval (first chunks include tracing).
            per_epoch = chunk_seconds / chunk
            chunk = max(1, min(chunk * 4, int(self.snapshot_interval / max(per_epoch, 1e-6))))
            if max_seconds is not None and elapsed > max_seconds and self.epoch < target:
                self.last_result = self.ended("time_budget", first_epoch, elapsed)
                return
        self.last_result = self.ended("finished", first_epoch, time.perf_counter() - start)

    def run_to_end(self, epochs: int | None = None, max_seconds: float | None = None) -> RunResult:
        """Run without looking at snapshots (tests, benchmarks, notebooks)."""
        for _ in self.run(epochs, max_seconds):
            pass
        return self.last_result

    def advance(self, n_epochs: int) -> int | None:
        """Train n_epochs epochs in one graph call and keep them in the history. On a NaN/inf loss,
        keep the model of the last epoch with finite losses and return the epoch that diverged."""
        saved = self._save_state()
        try:
            results = self._train_chunk(n_epochs)
        except Interrupted:  # told to stop while it waited for its program: nothing trained
            return None
        finite = _finite_epochs(results)
        if finite < n_epochs:
            self._keep_finite_epochs(saved, finite)
            self.keyframes.keep(self.epoch, self.model.get_weights())
            return self.epoch + 1
        if not self.keyframes:  # the start of the run: the weights before this chunk
            self.keyframes.keep(self.epoch, saved[: len(self.model.variables)])
        self._append(*results)
        if self.keyframes.due(self.epoch):  # get_weights() copies: only when one is kept
            self.keyframes.keep(self.epoch, self.model.get_weights())
        return None

    def ended(self, status: str, first_epoch: int, elapsed: float, diverged: int | None = None) -> RunResult:
        """How a run that began at `first_epoch` ended, in words for the page."""
        messages = {
            "finished": "Finished.",
            "stopped": f"Stopped at epoch {self.epoch}; the model so far is kept.",
            "time_budget": f"Stopped after {elapsed:.0f} s, the time limit of one run; the model so far is kept "
                           f"(epoch {self.epoch}). Press Continue to train on.",
            "abandoned": f"Stopped at epoch {self.epoch}: the page that ran it was closed. The model so far is kept.",
        }
        message = self._divergence_message(diverged) if status == "diverged" else messages[status]
        return RunResult(status, self.epoch - first_epoch, elapsed, message, diverged_epoch=diverged)

    def _train_chunk(self, n_epochs: int, interruptible: bool = True) -> tuple[np.ndarray, ...]:
        """Train n_epochs epochs from self.epoch in one graph call: per-epoch losses and metrics.
        Raises Interrupted (nothing trained) if a Stop comes while it waits for its program."""
        state = list(self.model.variables) + list(self.optimizer.variables)
        return PROGRAMS.run(self.config, self.n_features, self.n_outputs, len(self.metric_names), state,
                            self.epoch, n_epochs, (*self._train, *self._test),
                            self.interrupted if interruptible else (lambda: False))

    def _keep_finite_epochs(self, saved: list[np.ndarray], finite: int) -> None:
        """Back to the chunk's start, then train its first `finite` epochs again and keep them.

        The second pass gives the same numbers as the first: every epoch's shuffle is seeded
        by (seed, epoch) and nothing else changes, so this is the model of the last finite epoch.
        """
        self._restore_state(saved)
        if finite:  # not interruptible: the divergence must be reported with the epochs before it
            self._append(*self._train_chunk(finite, interruptible=False))

    def _divergence_message(self, diverged: int) -> str:
        rate = self.config.learning_rate
        if self.epoch:
            kept = f"The model is kept as it was after epoch {self.epoch}, the last with a finite loss."
        else:
            kept = "No epoch ended with a finite loss, so the model is kept at its initial weights."
        return (f"The loss became NaN or infinite at epoch {diverged}: the learning rate ({rate:g}) is too "
                f"large for this network and optimizer. Try a smaller one (e.g. {rate / 10:g}). {kept}")

    def _append(self, train_loss, test_loss, train_metric, test_metric) -> None:
        for i in range(len(train_loss)):
            self.epoch += 1
            self.history.epoch.append(self.epoch)
            self.history.train_loss.append(float(train_loss[i]))
            self.history.test_loss.append(float(test_loss[i]))
            for j, name in enumerate(self.metric_names):
                self.history.train_metrics[name].append(float(train_metric[i, j]))
                self.history.test_metrics[name].append(float(test_metric[i, j]))

    def snapshot(self, target: int, elapsed: float) -> Snapshot:
        h = self.history
        return Snapshot(
            epoch=self.epoch,
            target_epoch=target,
            train_loss=h.train_loss[-1],
            test_loss=h.test_loss[-1],
            train_metrics={name: values[-1] for name, values in h.train_metrics.items()},
            test_metrics={name: values[-1] for name, values in h.test_metrics.items()},
            elapsed=elapsed,
        )

    def _save_state(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.model.variables] + [v.numpy() for v in self.optimizer.variables]

    def _restore_state(self, saved: list[np.ndarray]) -> None:
        variables = list(self.model.variables) + list(self.optimizer.variables)
        for variable, value in zip(variables, saved):
            variable.assign(value)
        for variable in variables[len(saved):]:  # momentum slots made mid-run (_ensure_momentum_slots)
            variable.assign(np.zeros(variable.shape, variable.dtype))

    def raw_outputs(self, x: np.ndarray) -> np.ndarray:
        """Raw model outputs (logits for a logits model), by a direct call, not model.predict."""
        return np.asarray(self._predict_graph(tf.constant(x, tf.float32)))

    @property
    def _predict_graph(self):
        if not hasattr(self, "_predict_fn"):
            self._predict_fn = tf.function(lambda x: self.model(x, training=False), reduce_retracing=True)
        return self._predict_fn


def _ensure_momentum_slots(optimizer, variables) -> None:
    """SGD and RMSprop make momentum variables only when built with a momentum; a momentum set
    mid-run needs them (they start at zero, as a momentum run's do)."""
    if getattr(optimizer, "momentum", 0) == 0:
        return
    slot = "momentums" if hasattr(optimizer, "momentums") else "_momentums"
    if hasattr(optimizer, slot) and not getattr(optimizer, slot):
        setattr(optimizer, slot, optimizer.add_optimizer_variables(variables, "momentum"))
