"""PlaygroundConfig: everything one training run needs, in one frozen object.

The URL, the Keras code export, the config JSON and the run history are all
derived from this object. It imports nothing heavy (no TensorFlow) so the home
page and the link decoder can use it for free.

Here: the fields, the caps for a public demo, validation, and refusals in a learner's words.
What the values mean (the tasks, datasets, optimizers and activations a field may name) is
the catalog's (nnplay.config.catalog).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, fields, replace
from typing import Any

from nnplay.config.catalog import (
    FEATURES,
    MNIST_ATTRIBUTES,
    OPTIMIZERS,
    REGULARIZATIONS,
    TASKS,
    VARIANTS,
    OptimizerVariant,
    Task,
    datasets_for,
    hidden_activations,
    is_toy,
)
from nnplay.config.environment import env_count


def samples_range(dataset: str) -> tuple[int, int]:
    """How many samples a dataset may have: toy points are generated, MNIST images are counted."""
    return CAPS["n_samples_toy" if is_toy(dataset) else "n_samples_real"]


# --------------------------------------------------------------------------
# Caps for a public demo. A config inside these always builds and trains in
# reasonable time and memory on a 2-core machine.
# --------------------------------------------------------------------------
MNIST_IMAGES = 70_000  # all of MNIST
# A server with little memory (Community Cloud: 0.7-2.7 GB) may allow fewer: an MNIST visitor on data
# of their own costs ~6 KB per image (the cached float32 images and TensorFlow's copy; README "Memory").
MAX_MNIST_SAMPLES = env_count("NNPLAY_MAX_MNIST_SAMPLES", MNIST_IMAGES, low=20, high=MNIST_IMAGES)

CAPS = {
    "hidden_layers": (0, 6),  # as TF Playground
    "units": (1, 256),  # 128-64 MNIST nets fit comfortably
    "total_params": (1, 300_000),
    "n_samples_toy": (20, 5_000),
    "n_samples_real": (20, MAX_MNIST_SAMPLES),
    "noise": (0.0, 0.5),
    "train_fraction": (0.1, 0.9),
    "n_classes": (2, 6),  # K for toy multiclass; labels for toy multi-label
    "learning_rate": (1e-6, 10.0),
    "momentum": (0.0, 0.999),
    "beta": (0.0, 0.9999),
    "rho": (0.0, 0.9999),
    "epsilon": (1e-10, 1.0),
    "batch_size": (0, 10_000),  # 0 = full batch (gradient descent)
    "epochs": (1, 2_000),
    "reg_rate": (0.0, 10.0),
    "seed": (0, 2**31 - 1),
    "digit": (0, 9),
}


@dataclass(frozen=True)
class HiddenLayer:
    units: int = 4
    activation: str = "tanh"


@dataclass(frozen=True)
class PlaygroundConfig:
    """One run of the playground. Frozen: change it with dataclasses.replace."""

    task: str = "binary"
    # --- data ---
    dataset: str = "circle"
    n_samples: int = 500
    noise: float = 0.0
    train_fraction: float = 0.5
    features: tuple[str, ...] = ("x1", "x2")
    n_classes: int = 3  # toy multiclass classes / toy multi-label labels
    digits: tuple[int, int] = (3, 8)  # MNIST binary: positive digit, negative digit
    csv_targets: tuple[str, ...] = ()  # CSV: label/target column names
    data_seed: int = 0
    # --- network ---
    hidden: tuple[HiddenLayer, ...] = (HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh"))
    from_logits: bool = True  # binary/multiclass: linear output + from_logits=True loss
    # --- optimizer ---
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    momentum: float = 0.0
    nesterov: bool = False
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7
    rho: float = 0.9
    # --- training ---
    batch_size: int = 10  # 0 = full batch, i.e. plain gradient descent
    epochs: int = 100
    regularization: str = "none"
    reg_rate: float = 0.0
    seed: int = 0  # initial weights and batch shuffling

    # ---- derived facts -------------------------------------------------
    @property
    def rule(self) -> Task:
        return TASKS[self.task]

    @property
    def uses_logits(self) -> bool:
        """True when the output layer is linear and the loss has from_logits=True."""
        return self.from_logits and self.rule.logits_allowed

    @property
    def output_activation(self) -> str:
        return "linear" if self.uses_logits else self.rule.output_activation

    @property
    def output_summary(self) -> str:
        """The output layer in words: with logits the squashing happens inside the loss, and the
        course's week-2 student must not read "linear" as "no sigmoid at all"."""
        if self.uses_logits:
            squash = "softmax" if self.task == "multiclass" else "sigmoid"
            return f"linear logits, {squash} inside the loss (from_logits=True)"
        if self.task == "multilabel":
            return "one sigmoid per label"
        return self.rule.output_activation

    @property
    def is_toy(self) -> bool:
        return is_toy(self.dataset)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists)."""
        return dataclasses.asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> PlaygroundConfig:
        """Inverse of to_dict; raises ConfigError for unknown fields or bad values."""
        if not isinstance(data, dict):
            raise ConfigError([("config", data, "a JSON object")])
        known = {f.name for f in fields(PlaygroundConfig)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError([(name, data[name], "no such field") for name in unknown])
        problems = [problem for name, value in data.items() if (problem := _type_problem(name, value))]
        if problems:
            raise ConfigError(problems)
        values = dict(data)
        if "hidden" in values:
            values["hidden"] = tuple(HiddenLayer(layer["units"], layer["activation"]) for layer in values["hidden"])
        for name in ("features", "csv_targets", "digits"):
            if name in values:
                values[name] = tuple(values[name])
        for name, value in values.items():  # a learning rate of 1 is a number: Keras wants it as 1.0
            if _FIELD_KINDS[name][0] == "number":
                values[name] = float(value)
        config = PlaygroundConfig(**values)
        validate(config)
        return config


def _kind_of(value: Any) -> str:
    """A JSON value's kind, as a person would name it (true is not a number, 3.9 not a whole one)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "whole number"
    if isinstance(value, float):
        return "number" if math.isfinite(value) else "infinite number"
    if isinstance(value, str):
        return "text"
    return "list" if isinstance(value, (list, tuple)) else "object" if isinstance(value, dict) else type(value).__name__


# The JSON kinds each field takes: a config file is refused, not coerced, when a value has another
# kind (units: true must not load as 1, digits: 3.9 not as 3, units: 1e400 not crash).
_FIELD_KINDS: dict[str, tuple[str, ...]] = {
    f.name: (("true/false",) if isinstance(f.default, bool)
             else ("whole number",) if isinstance(f.default, int)
             else ("number", "whole number") if isinstance(f.default, float)  # 1 is a fine learning rate
             else ("text",) if isinstance(f.default, str)
             else ("list",))
    for f in fields(PlaygroundConfig)
}
_LIST_ITEM_KINDS = {"features": "text", "csv_targets": "text", "digits": "whole number"}


def _type_problem(name: str, value: Any) -> tuple[str, Any, str] | None:
    """(field, value, what it must be) when a config file's value has the wrong kind, else None."""
    kind = _kind_of(value)
    if kind not in _FIELD_KINDS[name]:
        return name, value, f"a {_FIELD_KINDS[name][0]}"
    if kind == "whole number" and _FIELD_KINDS[name][0] == "number" and abs(value) > 1e300:
        return name, math.inf, "a number"  # 1 and 400 zeros: no float holds it (and 1e400 reads as Infinity)
    if name in _LIST_ITEM_KINDS:
        wanted = _LIST_ITEM_KINDS[name]
        bad = next((v for v in value if _kind_of(v) != wanted), None)
        if bad is not None or len(value) > 100:
            return name, value, f"a list of {wanted}s"
    if name == "hidden":
        if len(value) > 100:
            return name, len(value), "a short list of layers"
        for i, layer in enumerate(value):
            if not isinstance(layer, dict) or set(layer) != {"units", "activation"}:
                return f"hidden[{i}]", layer, 'an object {"units": …, "activation": …}'
            if _kind_of(layer["units"]) != "whole number":
                return f"hidden[{i}].units", layer["units"], "a whole number"
            if _kind_of(layer["activation"]) != "text":
                return f"hidden[{i}].activation", layer["activation"], "text, e.g. \"relu\""
    return None


def config_from_json(content: bytes | str) -> PlaygroundConfig:
    """The setup in a config file (nnplay's "Download config (JSON)"), or a ConfigError whose
    explained() says in a learner's words what is wrong with it."""
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
        data = json.loads(text)
    except UnicodeDecodeError:
        raise ConfigError([("config", "…", "UTF-8 text (this file is not)")]) from None
    except json.JSONDecodeError as exc:
        raise ConfigError([("config", "…", f"valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")]) from None
    except RecursionError:
        raise ConfigError([("config", "…", "JSON nested a reasonable depth")]) from None
    except ValueError:  # Python refuses to read a whole number of more than 4,300 digits
        raise ConfigError([("config", "…", "JSON with numbers of a sensible size")]) from None
    return PlaygroundConfig.from_dict(data)


# The fields that decide the data (a dataset cache keys on these alone).
DATA_FIELDS = ("task", "dataset", "n_samples", "noise", "train_fraction", "features", "n_classes", "digits",
               "csv_targets", "data_seed")


def data_part(config: PlaygroundConfig) -> tuple:
    return tuple(getattr(config, name) for name in DATA_FIELDS)


# The fields that decide what a trained model is: its data and its layers. After a change to one
# of them the trained model answers another question (the optimizer or the epochs do not matter).
MODEL_FIELDS = DATA_FIELDS + ("hidden", "from_logits")


def same_model(trained: PlaygroundConfig, current: PlaygroundConfig) -> bool:
    """True when a model trained with `trained` is a model of the `current` setup."""
    return all(getattr(trained, name) == getattr(current, name) for name in MODEL_FIELDS)


# The settings a running model takes on at its next epoch, keeping its weights and its optimizer's
# state (TF Playground lets its learning rate and regularisation change while it plays). A change to
# any other field (the data, the layers, the task, the optimizer itself, the seed) means another
# network: the Playground resets it and says so.
def live_fields() -> tuple[str, ...]:
    return ("learning_rate", "regularization", "reg_rate", "batch_size", "epochs") + optimizer_fields()


def live_changes(running: PlaygroundConfig, wanted: PlaygroundConfig) -> dict[str, object] | None:
    """The live fields in which `wanted` differs from the `running` setup ({} when none), or None
    when they differ in anything else, so the running model cannot simply go on."""
    if dataclasses.replace(wanted, **{name: getattr(running, name) for name in live_fields()}) != running:
        return None
    return {name: getattr(wanted, name) for name in live_fields() if getattr(wanted, name) != getattr(running, name)}


def default_config(task: str = "binary") -> PlaygroundConfig:
    """The starting point for a task (TF Playground's default for binary)."""
    if task == "binary":
        return PlaygroundConfig()
    return with_task(PlaygroundConfig(), task)


def with_task(config: PlaygroundConfig, task: str) -> PlaygroundConfig:
    """Switch task: the dataset list, the output layer and the loss move together."""
    if task not in TASKS:
        raise ConfigError([("task", task, f"one of {', '.join(TASKS)}")])
    dataset = config.dataset if config.dataset in datasets_for(task) else datasets_for(task)[0]
    features = config.features if is_toy(dataset) else ("x1", "x2")
    return replace(
        config,
        task=task,
        dataset=dataset,
        features=features,
        from_logits=TASKS[task].logits_allowed,
        # Only multi-label takes several target columns.
        csv_targets=() if dataset != "csv" else config.csv_targets[: None if task == "multilabel" else 1],
    )


def with_optimizer(config: PlaygroundConfig, optimizer: str) -> PlaygroundConfig:
    """Switch optimizer and take its usual learning rate."""
    if optimizer not in OPTIMIZERS:
        raise ConfigError([("optimizer", optimizer, f"one of {', '.join(OPTIMIZERS)}")])
    return replace(config, optimizer=optimizer, learning_rate=OPTIMIZERS[optimizer].default_lr)


def optimizer_fields() -> tuple[str, ...]:
    """The config fields some optimizer takes besides the learning rate (momentum, rho, ...)."""
    return tuple(dict.fromkeys(name for optimizer in OPTIMIZERS.values() for name in optimizer.params))


def variant_fields(variant: OptimizerVariant) -> dict[str, object]:
    """The config fields that make a variant: its optimizer, every optimizer field at PlaygroundConfig's
    default (which are Keras's defaults), then the variant's own settings."""
    defaults = {f.name: f.default for f in fields(PlaygroundConfig) if f.name in optimizer_fields()}
    return {"optimizer": variant.optimizer, **defaults, **dict(variant.settings)}


def with_variant(config: PlaygroundConfig, variant: str, learning_rate: float) -> PlaygroundConfig:
    """The config with one of the Optimizer Lab's optimizer variants (catalog.VARIANTS) and a learning rate."""
    return replace(config, learning_rate=float(learning_rate), **variant_fields(VARIANTS[variant]))


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


class ConfigError(ValueError):
    """One or more fields out of range. Each problem names field, value and what is allowed.

    str(error) is the technical form (field = value: must be ...), for logs and tests;
    `explained()` says the same in a learner's words, naming the control, for the page.
    """

    def __init__(self, problems: list[tuple[str, Any, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{name} = {value!r}: must be {allowed}" for name, value, allowed in problems))

    def explained(self) -> str:
        return " ".join(explain_problem(*problem) for problem in self.problems)

    @property
    def fields(self) -> tuple[str, ...]:
        """The config fields involved ("hidden[0].units" counts as "hidden")."""
        return tuple(dict.fromkeys(name.split("[")[0] for name, _, _ in self.problems))


# What each field is called on the page: its widget's label (nnplay.ui.controls), and the name
# a refusal gives it.
FIELD_LABELS: dict[str, str] = {
    "task": "Task", "dataset": "Dataset", "n_samples": "Samples", "noise": "Noise", "train_fraction": "Training share",
    "features": "Input features", "n_classes": "Classes", "digits": "Digits", "csv_targets": "Target column",
    "data_seed": "Data seed", "hidden": "Hidden layers", "from_logits": "Output", "optimizer": "Optimizer",
    "learning_rate": "Learning rate", "momentum": "Momentum", "nesterov": "Nesterov", "beta_1": "beta_1",
    "beta_2": "beta_2", "epsilon": "epsilon", "rho": "rho (decay of the squared-gradient average)",
    "batch_size": "Batch size", "epochs": "Epochs", "regularization": "Regularisation",
    "reg_rate": "Regularisation rate",
    "seed": "Seed (initial weights, batch order)",
}


def explain_problem(name: str, value: Any, allowed: str) -> str:
    """One validation problem in a learner's words."""
    if name == "total_params":
        return (f"This network would have {value:,} weights and biases; the limit here is "
                f"{CAPS['total_params'][1]:,}. Use fewer or smaller layers.")
    if allowed == "no such field":
        shown = name if len(name) <= 60 else name[:60] + "…"
        return f"There is no setting called {shown!r}."
    if name == "config":
        return f"The file must hold {allowed}."
    base, _, rest = name.partition("[")
    label = FIELD_LABELS.get(base, base)
    if rest:  # hidden[2].units -> "Layer 3 units"
        index, _, attribute = rest.partition("].")
        label = f"Layer {int(index) + 1} {attribute}" if index.isdigit() else label
    return f"{label} must be {allowed}; it is {_shown(value)}."


def _shown(value: Any) -> str:
    """A value as JSON writes it (true, Infinity, "text"), cut short."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def n_inputs(config: PlaygroundConfig, csv_features: int | None = None) -> int:
    """Input width: chosen features for toy data, 784 pixels for MNIST, CSV columns."""
    if config.dataset == "mnist":
        return 28 * 28
    if config.dataset == "csv":
        return csv_features or 1
    return len(config.features)


def n_outputs(config: PlaygroundConfig, n_classes: int | None = None) -> int:
    """Output units: 1 for binary and regression, K for multiclass and multi-label."""
    if config.task in ("binary", "regression", "regression_nonneg"):
        return 1
    if n_classes is not None:
        return n_classes
    if config.dataset == "mnist":
        return 10 if config.task == "multiclass" else len(MNIST_ATTRIBUTES)
    if config.dataset == "csv" and config.task == "multilabel":
        return len(config.csv_targets)
    # Toy data; for a CSV's classes this is a stand-in until the file is read (see check_fits_data).
    return config.n_classes


def count_params(config: PlaygroundConfig, inputs: int | None = None, outputs: int | None = None) -> int:
    """Weights + biases of the dense network, as Keras's model.count_params()."""
    widths = [inputs or n_inputs(config)] + [layer.units for layer in config.hidden] + [outputs or n_outputs(config)]
    return sum((a + 1) * b for a, b in zip(widths, widths[1:]))


def _in_range(value: Any, low: float, high: float) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low <= value <= high
    )


def validate(config: PlaygroundConfig) -> None:
    """Raise ConfigError listing every field out of range; return None when the config is valid."""
    problems: list[tuple[str, Any, str]] = []

    def need(ok: bool, name: str, value: Any, allowed: str) -> None:
        if not ok:
            problems.append((name, value, allowed))

    def need_int(name: str, value: Any, cap: str | tuple[int, int]) -> None:
        low, high = CAPS[cap] if isinstance(cap, str) else cap
        need(isinstance(value, int) and not isinstance(value, bool) and low <= value <= high, name, value,
             f"a whole number from {low} to {high}")

    def need_float(name: str, value: Any, cap: str) -> None:
        low, high = CAPS[cap]
        need(_in_range(value, low, high), name, value, f"a number from {low:g} to {high:g}")

    task_ok = config.task in TASKS
    need(task_ok, "task", config.task, f"one of {', '.join(TASKS)}")
    if task_ok:
        need(config.dataset in datasets_for(config.task), "dataset", config.dataset,
             f"one of {', '.join(datasets_for(config.task))} for task {config.task}")
    need_int("n_samples", config.n_samples, samples_range(config.dataset))
    need_float("noise", config.noise, "noise")
    need_float("train_fraction", config.train_fraction, "train_fraction")
    need(isinstance(config.features, tuple) and len(config.features) >= 1
         and all(f in FEATURES for f in config.features) and len(set(config.features)) == len(config.features),
         "features", config.features, f"one or more distinct of {', '.join(FEATURES)}")
    need_int("n_classes", config.n_classes, "n_classes")
    need(isinstance(config.digits, tuple) and len(config.digits) == 2
         and all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 9 for d in config.digits)
         and config.digits[0] != config.digits[1], "digits", config.digits, "two different digits 0-9")
    need(isinstance(config.csv_targets, tuple) and all(_is_column_name(c) for c in config.csv_targets)
         and len(config.csv_targets) <= 10 and len(set(config.csv_targets)) == len(config.csv_targets),
         "csv_targets", config.csv_targets, "up to 10 different column names")
    # No target yet is a valid setup: the learner chooses CSV first, then uploads, then picks the
    # target from the file's columns; until then there is no data to train on (nnplay.data.load says so).
    if config.dataset == "csv" and task_ok:
        if config.task != "multilabel":
            need(len(config.csv_targets) <= 1, "csv_targets", config.csv_targets,
                 "exactly one target column unless the task is multi-label")
    need_int("data_seed", config.data_seed, "seed")

    low, high = CAPS["hidden_layers"]
    need(isinstance(config.hidden, tuple) and low <= len(config.hidden) <= high, "hidden", len(config.hidden)
         if isinstance(config.hidden, tuple) else config.hidden, f"from {low} to {high} hidden layers")
    for i, layer in enumerate(config.hidden if isinstance(config.hidden, tuple) else ()):
        if not isinstance(layer, HiddenLayer):
            need(False, f"hidden[{i}]", layer, "a HiddenLayer")
            continue
        need_int(f"hidden[{i}].units", layer.units, "units")
        need(layer.activation in hidden_activations(), f"hidden[{i}].activation", layer.activation,
             f"one of {', '.join(hidden_activations())}")
    need(isinstance(config.from_logits, bool), "from_logits", config.from_logits, "true or false")

    need(config.optimizer in OPTIMIZERS, "optimizer", config.optimizer, f"one of {', '.join(OPTIMIZERS)}")
    need_float("learning_rate", config.learning_rate, "learning_rate")
    need_float("momentum", config.momentum, "momentum")
    need(isinstance(config.nesterov, bool), "nesterov", config.nesterov, "true or false")
    need_float("beta_1", config.beta_1, "beta")
    need_float("beta_2", config.beta_2, "beta")
    need_float("epsilon", config.epsilon, "epsilon")
    need_float("rho", config.rho, "rho")
    need_int("batch_size", config.batch_size, "batch_size")
    need_int("epochs", config.epochs, "epochs")
    need(config.regularization in REGULARIZATIONS, "regularization", config.regularization,
         f"one of {', '.join(REGULARIZATIONS)}")
    need_float("reg_rate", config.reg_rate, "reg_rate")
    need_int("seed", config.seed, "seed")

    if not problems:
        params = count_params(config)
        low, high = CAPS["total_params"]
        need(params <= high, "total_params", params, f"at most {high:,} weights and biases")
    if problems:
        raise ConfigError(problems)


def _is_column_name(name: Any) -> bool:
    if not isinstance(name, str) or not 0 < len(name) <= 100:
        return False
    try:
        name.encode("utf-8")  # it must fit in a link
    except UnicodeEncodeError:
        return False
    return True


def check_fits_data(config: PlaygroundConfig, inputs: int, outputs: int) -> None:
    """The parameter cap once the data is known (a CSV's columns and classes)."""
    params = count_params(config, inputs, outputs)
    high = CAPS["total_params"][1]
    if params > high:
        raise ConfigError([("total_params", params, f"at most {high:,} weights and biases "
                            f"(this data has {inputs} inputs and {outputs} outputs)")])


def is_valid(config: PlaygroundConfig) -> bool:
    try:
        validate(config)
    except ConfigError:
        return False
    return True
