"""Compiled training programs, shared by every trainer of the same setup shape.

TensorFlow keeps each XLA program it compiles for the life of the process (tensorflow#64170;
measured here: ~9 MB for a toy network, ~15 MB on MNIST 70k). With a program per trainer, memory
grew with every visitor: a class of 30 on one link compiled 30 copies of the same program.

Here a program belongs to a *shape*: the network, the task's output and loss, the optimizer and
the settings baked into its graph, the batch size, the regulariser and the data's shapes. (The
training seed, which orders the batches, is an argument like the data: every seed a learner tries
runs the same program.) Each `Instance` of a program has its own model and optimizer
(a template). A trainer runs a chunk of epochs by copying its weights and optimizer state into a
free instance, running the program there on its own data, and copying the state back: the same
graph on the same numbers, so the curve is the trainer's own, digit for digit
(tests/unit/test_training_golden.py). The copies cost microseconds for a toy network and about a
millisecond for the largest the caps allow.

Up to MAX_INSTANCES instances of one program run at once (NNPLAY_PROGRAMS_PER_SETUP; TensorFlow
runs each op on one thread here, so about one per core). A further session on the same setup waits
for one to be free, a chunk at a time (a chunk is a fraction of a second, or one epoch when an
epoch takes longer). So N visitors on one link cost at most MAX_INSTANCES programs, whatever N.
A waiting trainer's Stop does not wait for the others' chunks: `interrupted` ends the wait.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import tensorflow as tf

from nnplay.config.catalog import OPTIMIZERS
from nnplay.config.environment import env_count
from nnplay.config.schema import PlaygroundConfig
from nnplay.engine.model import build_loss, build_model, build_optimizer
from nnplay.engine.tracing import traced

MAX_INSTANCES = env_count("NNPLAY_PROGRAMS_PER_SETUP", 2)
# Shapes whose idle instances are kept. Dropping one frees only its Python side (~1 MB; TensorFlow
# keeps its XLA code), and a later run of that shape compiles it again: so the limit is high.
MAX_SHAPES = 256
WAIT_CHECK_S = 0.05  # how often a waiting trainer asks whether it is still wanted


class Interrupted(Exception):
    """A trainer waiting for a free instance was told to stop waiting (a Stop)."""


def program_key(config: PlaygroundConfig, n_features: int, n_outputs: int, data_signature) -> tuple:
    """Everything a traced chunk graph holds as a constant or a shape. Not in it: the learning
    rate (a variable), the weights and the data's values (copied in or passed as arguments)."""
    params = tuple((name, getattr(config, name)) for name in OPTIMIZERS[config.optimizer].params)
    network = tuple((layer.units, layer.activation) for layer in config.hidden)
    shapes = tuple((tuple(spec.shape), spec.dtype.name) for spec in data_signature)
    return (config.task, config.uses_logits, config.rule.loss, config.output_activation, network, n_features,
            n_outputs, config.optimizer, params, config.batch_size, config.regularization, config.reg_rate, shapes)


class Instance:
    """One compiled copy of a program, with the template model and optimizer it runs on."""

    def __init__(self, config: PlaygroundConfig, n_features: int, n_outputs: int, data_signature, n_metrics: int):
        from nnplay.engine.training import epochs_graph, make_epoch_function

        model = build_model(config, inputs=n_features, outputs=n_outputs)
        optimizer = build_optimizer(config)
        optimizer.build(model.trainable_variables)
        loss_fn = build_loss(config)

        def chunk(first, n, seed, x, y, x_test, y_test):
            epoch_function = make_epoch_function(model, optimizer, loss_fn, config.task, config.uses_logits,
                                                 (x, y), (x_test, y_test), config.batch_size, seed,
                                                 n_metrics=n_metrics)
            return epochs_graph(epoch_function, first, n)

        scalar = tf.TensorSpec([], tf.int32)
        seed = tf.TensorSpec([], tf.int64)
        self.function = tf.function(chunk, input_signature=[scalar, scalar, seed, *data_signature])
        self.variables = list(model.variables) + list(optimizer.variables)
        self._model, self._optimizer = model, optimizer  # the variables' owners
        self._traced = False

    def run(self, state: list, first_epoch: int, n_epochs: int, seed: int, data: tuple) -> tuple[np.ndarray, ...]:
        """Train n_epochs from first_epoch on a trainer's `state` (its model's then its optimizer's
        variables, in Keras's order), its training seed and `data`; the state is updated in place."""
        if not self._traced:  # traced in the run's thread (the page's never waits for it)
            traced(self.function)
            self._traced = True
        # A trainer may have more (momentum slots made when a momentum was set mid-run, unused by a
        # program without momentum), never fewer. Pairs go by position: Keras makes a setup's
        # variables in one order (names cannot tell: unnamed ones are numbered per process).
        if len(state) < len(self.variables):
            raise ValueError(f"a trainer's state has {len(state)} variables, this program {len(self.variables)}")
        pairs = list(zip(self.variables, state))
        for mine, theirs in pairs:
            if mine.shape != theirs.shape or mine.dtype != theirs.dtype:
                raise ValueError(f"a trainer's state does not fit this program: {theirs.path} {theirs.shape} "
                                 f"for {mine.path} {mine.shape}")
            mine.assign(theirs)
        arrays = self.function(tf.constant(first_epoch, tf.int32), tf.constant(n_epochs, tf.int32),
                               tf.constant(seed, tf.int64), *data)
        results = tuple(array.numpy() for array in arrays)
        for mine, theirs in pairs:
            theirs.assign(mine)
        return results


class Programs:
    """Every program of this process, by key; instances are lent for one chunk at a time."""

    def __init__(self, max_instances: int = MAX_INSTANCES, max_shapes: int = MAX_SHAPES):
        self.max_instances = max_instances
        self.max_shapes = max_shapes
        self._free: OrderedDict[tuple, list[Instance]] = OrderedDict()  # least recently used first
        self._count: dict[tuple, int] = {}  # instances of each key, free or lent
        self._changed = threading.Condition()
        self.built = 0  # for tests and benchmarks

    def run(self, config: PlaygroundConfig, n_features: int, n_outputs: int, n_metrics: int, state: list,
            first_epoch: int, n_epochs: int, data: tuple,
            interrupted: Callable[[], bool] = lambda: False) -> tuple[np.ndarray, ...]:
        """Train a trainer's `state` on `data` (see Instance.run). Raises Interrupted, with nothing
        trained, when `interrupted()` turns true while every instance of the program is lent."""
        signature = [tf.TensorSpec(tensor.shape, tensor.dtype) for tensor in data]
        key = program_key(config, n_features, n_outputs, signature)
        instance = self._lend(key, interrupted)
        try:
            if instance is None:  # this key may have one more: build it outside the lock
                instance = Instance(config, n_features, n_outputs, signature, n_metrics)
                with self._changed:
                    self.built += 1
            return instance.run(state, first_epoch, n_epochs, config.seed, data)
        except BaseException:
            if instance is None:  # building failed: the slot it reserved is free again
                with self._changed:
                    self._count[key] -= 1
                    if not self._count[key]:
                        del self._count[key]
                    self._changed.notify_all()
            raise
        finally:
            if instance is not None:
                self._give_back(key, instance)

    def instances(self, key: tuple | None = None) -> int:
        with self._changed:
            return sum(self._count.values()) if key is None else self._count.get(key, 0)

    def _lend(self, key: tuple, interrupted: Callable[[], bool] = lambda: False) -> Instance | None:
        """A free instance of `key`, or None when the caller may build one (its slot reserved);
        waits while all MAX_INSTANCES are lent, unless `interrupted()`."""
        with self._changed:
            while True:
                free = self._free.get(key)
                if free:
                    self._free.move_to_end(key)
                    return free.pop()
                if self._count.get(key, 0) < self.max_instances:
                    self._count[key] = self._count.get(key, 0) + 1
                    return None
                if interrupted():
                    raise Interrupted
                self._changed.wait(WAIT_CHECK_S)

    def _give_back(self, key: tuple, instance: Instance) -> None:
        with self._changed:
            self._free.setdefault(key, []).append(instance)
            self._free.move_to_end(key)
            self._drop_old_shapes()
            self._changed.notify_all()

    def _drop_old_shapes(self) -> None:
        """Past max_shapes keys, forget the least recently used whose instances are all free."""
        for key in list(self._free):
            if len(self._count) <= self.max_shapes:
                return
            if len(self._free[key]) == self._count[key]:
                del self._free[key], self._count[key]


PROGRAMS = Programs()  # one per server process, shared by its sessions
