"""The Keras script for a config: what a practitioner would copy to reproduce a run.

    to_keras_script(config, options=None) -> str

The script runs on its own (numpy, keras, tensorflow; pandas for CSV data) and
builds exactly nnplay's model: the same layers, names, activations, seeded
initial weights, optimizer, loss and metrics. Nothing is duplicated here:

- the toy generators, the feature transform and the train/test split are copied
  from nnplay.datasets with inspect.getsource, so the script's toy data equals
  what nnplay trains on;
- the optimizer's and the loss's keyword arguments and the per-layer seeds come
  from nnplay.model (optimizer_kwargs, loss_kwargs, layer_seed);
- the explanations come from the task table (config.TASKS[task].why).

This module is string building: it imports no TensorFlow, Keras or Streamlit
at module level. (nnplay.model imports Keras, so it is imported inside the
function that needs it.)

Every value that reaches the script goes through `_lit`, which writes a Python
literal, so a CSV column name cannot break out of its string.
"""

from __future__ import annotations

import inspect
import json
import math
import textwrap
from dataclasses import dataclass, fields
from typing import Any, Mapping

from nnplay import datasets
from nnplay.config import DATASET_LABELS, MNIST_ATTRIBUTES, OPTIMIZERS, TASKS, PlaygroundConfig, n_inputs, n_outputs

__all__ = ["STRATEGIES", "ExportOptions", "to_keras_script"]

# The distribution strategies the export can write, with the label the page offers.
STRATEGIES: dict[str, str] = {
    "mirrored": "MirroredStrategy (multi-GPU)",
    "multiworker": "MultiWorkerMirroredStrategy",
}
# The exported script reads this to split a GPU-less CPU into logical devices, so a mirrored run
# with several replicas can be tried (and tested) on any machine.
CPU_REPLICAS_ENV = "NNPLAY_CPU_REPLICAS"

# The generated code stays within these widths where it can (copied nnplay code may not).
LINE_LENGTH = 110  # code: one Dense layer per line, as the course writes them
COMMENT_WIDTH = 92


@dataclass(frozen=True)
class ExportOptions:
    """What the exported script does beyond the config.

    epochs: overrides config.epochs (tests run a couple of epochs)
    save_model_path: when set, the script ends with model.save(path) (a .keras file)
    csv_path: the file the CSV script reads
    n_inputs / n_outputs: CSV only — the feature columns and classes when the caller
        knows them (from the loaded Dataset); otherwise the script counts them itself
    strategy: None for a plain script, or one of STRATEGIES: "mirrored" (tf.distribute's
        MirroredStrategy: every GPU of one machine) or "multiworker"
        (MultiWorkerMirroredStrategy: several machines, each told its role by TF_CONFIG).
        The model, the optimizer and compile then run inside strategy.scope().
    """

    epochs: int | None = None
    save_model_path: str | None = None
    csv_path: str = "your_data.csv"
    n_inputs: int | None = None
    n_outputs: int | None = None
    strategy: str | None = None

    @staticmethod
    def coerce(options: "ExportOptions | Mapping[str, Any] | None") -> "ExportOptions":
        if options is None:
            return ExportOptions()
        if isinstance(options, ExportOptions):
            return options
        if isinstance(options, Mapping):
            known = {f.name for f in fields(ExportOptions)}
            unknown = sorted(set(options) - known)
            if unknown:
                raise ValueError(f"unknown export option(s) {unknown}; known: {sorted(known)}")
            return ExportOptions(**options)
        raise TypeError(f"options must be ExportOptions, a dict or None, not {type(options).__name__}")


# --------------------------------------------------------------------------
# Small helpers: literals, calls, comments
# --------------------------------------------------------------------------


def _lit(value: Any) -> str:
    """A Python literal for value: strings in double quotes, lists for tuples."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, str):
        # JSON string escapes are valid Python escapes; non-ASCII stays readable.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} into a script")
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_lit(v) for v in value) + "]"
    raise TypeError(f"no literal for {type(value).__name__}")


def _call(func: str, args: list[str], indent: int = 0, suffix: str = "") -> str:
    """`func(a, b)` on one line when it fits, else one argument per line (black style)."""
    pad = " " * indent
    one_line = f"{pad}{func}({', '.join(args)}){suffix}"
    if len(one_line) <= LINE_LENGTH or not args:
        return one_line
    inner = "".join(f"{pad}    {arg},\n" for arg in args)
    return f"{pad}{func}(\n{inner}{pad}){suffix}"


def _kwargs(kwargs: Mapping[str, Any]) -> list[str]:
    return [f"{name}={_lit(value)}" for name, value in kwargs.items()]


def _comment(text: str, indent: int = 0) -> str:
    """Text as wrapped '# ' comment lines (newlines in text cannot escape the comment)."""
    pad = " " * indent
    text = " ".join(str(text).split())
    return "\n".join(textwrap.wrap(text, COMMENT_WIDTH - indent - 2, initial_indent=f"{pad}# ",
                                   subsequent_indent=f"{pad}# ", break_on_hyphens=False))


def _heading(title: str) -> str:
    rule = "# " + "-" * (COMMENT_WIDTH - 2)
    return f"{rule}\n# {title}\n{rule}"


def _source(func) -> str:
    return textwrap.dedent(inspect.getsource(func)).rstrip()


def _n_train(n: int, train_fraction: float) -> int:
    """Training rows of n, as nnplay.datasets splits them (both parts keep at least one row)."""
    return min(max(int(round(n * train_fraction)), 1), n - 1)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


# --------------------------------------------------------------------------
# Data sections. Each one ends with x_train, y_train, x_test, y_test defined,
# the dtypes nnplay.datasets.Dataset documents.
# --------------------------------------------------------------------------


def _y_dtype(task: str) -> str:
    return "np.int32" if task in ("binary", "multiclass") else "np.float32"


def _toy_data(config: PlaygroundConfig) -> tuple[list[str], list[str]]:
    """(function definitions, data code) for 2-D toy data, mirroring datasets._toy_dataset."""
    name = config.dataset
    generator = datasets.GENERATORS[name]
    definitions = [_source(generator), _source(datasets.transform_features), _source(datasets.split_indices)]
    args = [f"n={_lit(config.n_samples)}", f"noise={_lit(float(config.noise))}", "rng=rng"]
    if name in datasets.TAKES_K:
        args.append(f"k={_lit(config.n_classes)}")
    n_train = _n_train(config.n_samples, config.train_fraction)
    label = DATASET_LABELS.get(name, name)
    lines = [
        _heading(f"Data: the toy problem {label!r}, {_plural(config.n_samples, 'point')}, "
                 f"noise {config.noise:.0%}"),
        _comment(f"The functions above are nnplay's own code, so these are the points nnplay "
                 f"trained on: {n_train:,} for training, {config.n_samples - n_train:,} for testing."),
        f"rng = np.random.default_rng({_lit(config.data_seed)})  # the data seed",
        _call(f"points, y = {generator.__name__}", args),
        f"train, test = split_indices(len(points), {_lit(float(config.train_fraction))}, rng)",
        f"y = y.astype({_y_dtype(config.task)})",
        "points = points.astype(np.float32)",
        _comment("Input features, as in TensorFlow Playground: " + ", ".join(config.features)),
        f"x = transform_features(points, {_lit(list(config.features))})",
        "x_train, y_train = x[train], y[train]",
        "x_test, y_test = x[test], y[test]",
    ]
    return definitions, lines


def _mnist_data(config: PlaygroundConfig) -> tuple[list[str], list[str]]:
    """MNIST from keras.datasets, picked as datasets._mnist_dataset does with the official split."""
    n = config.n_samples
    n_train = _n_train(n, config.train_fraction)
    n_test = n - n_train
    lines = [
        _heading("Data: MNIST handwritten digits, 28 x 28 grey images flattened to 784 inputs in [0, 1]"),
        "# load_data() downloads MNIST once (11 MB) and then reads it from ~/.keras/datasets.",
        "(images_train, digits_train), (images_test, digits_test) = keras.datasets.mnist.load_data()",
        "",
        _comment(f"A random {n_train:,} images of the official training set and {n_test:,} of the test "
                 "set, as nnplay picks them when it has the whole of MNIST (with its smaller offline "
                 "copy it picks from a smaller pool, so the images differ)."),
        f"rng = np.random.default_rng({_lit(config.data_seed)})  # the data seed",
    ]
    if config.task == "binary":
        positive, negative = config.digits
        lines += [
            f"digits = {_lit([positive, negative])}  # binary: only these two digits",
            "pool_train = np.flatnonzero(np.isin(digits_train, digits))",
            "pool_test = np.flatnonzero(np.isin(digits_test, digits))",
        ]
    else:
        lines += [
            "pool_train = np.arange(len(digits_train))",
            "pool_test = np.arange(len(digits_test))",
        ]
    lines += [
        f"train = rng.permutation(pool_train)[:{n_train}]",
        f"test = rng.permutation(pool_test)[:{n_test}]",
        "x_train = images_train[train].reshape(len(train), -1).astype(np.float32) / 255.0",
        "x_test = images_test[test].reshape(len(test), -1).astype(np.float32) / 255.0",
    ]
    if config.task == "binary":
        lines += [
            f"# y = 1 for the digit {positive}, 0 for the digit {negative}",
            f"y_train = (digits_train[train] == {positive}).astype(np.int32)",
            f"y_test = (digits_test[test] == {positive}).astype(np.int32)",
        ]
    elif config.task == "multiclass":
        lines += [
            "# y = the digit, 0..9",
            "y_train = digits_train[train].astype(np.int32)",
            "y_test = digits_test[test].astype(np.int32)",
        ]
    elif config.task == "multilabel":
        entries = "".join(f"    {_lit(name)}: {_lit(list(members))},\n" for name, members in MNIST_ATTRIBUTES.items())
        lines += [
            "# Multi-label: yes/no attributes of each digit, one 0/1 column per attribute.",
            "ATTRIBUTES = {\n" + entries + "}",
            "",
            "",
            "def attributes(digits):",
            "    columns = [np.isin(digits, members) for members in ATTRIBUTES.values()]",
            "    return np.stack(columns, axis=1).astype(np.float32)",
            "",
            "",
            "y_train = attributes(digits_train[train])",
            "y_test = attributes(digits_test[test])",
        ]
    else:
        raise ValueError(f"MNIST has no {config.task!r} task; use binary, multiclass or multilabel")
    return [], lines


def _csv_data(config: PlaygroundConfig, options: ExportOptions) -> tuple[list[str], list[str]]:
    """A learner's CSV, mirroring datasets.parse_csv (labels sorted to 0..K-1, standardised features)."""
    targets = list(config.csv_targets)
    if not targets:
        raise ValueError("a CSV config needs csv_targets (the column(s) to predict)")
    target = targets[0]
    lines = [
        _heading("Data: your own CSV file"),
        _comment("The first line holds the column names; every column except the target(s) is a "
                 "numeric input. For a ';' or tab-separated file add sep=';' or sep='\\t'."),
        f"data = pd.read_csv({_lit(options.csv_path)})",
        f"targets = {_lit(targets)}",
        "features = [column for column in data.columns if column not in targets]",
        "x = data[features].to_numpy(dtype=np.float64)",
    ]
    if config.task in ("binary", "multiclass"):
        lines += [
            "# Labels (text or numbers) become 0..K-1 in sorted order.",
            f"class_names, y = np.unique(data[{_lit(target)}].to_numpy(), return_inverse=True)",
            "y = y.astype(np.int32)",
        ]
    elif config.task == "multilabel":
        lines += ["y = data[targets].to_numpy(dtype=np.float32)  # one 0/1 column per label"]
    else:
        lines += [f"y = data[{_lit(target)}].to_numpy(dtype=np.float32)"]
    lines += [
        "",
        f"train, test = split_indices(len(x), {_lit(float(config.train_fraction))}, "
        f"np.random.default_rng({_lit(config.data_seed)}))",
        _comment("Standardise every feature with the training rows' mean and std: raw columns on "
                 "very different scales make gradient descent diverge."),
        "means = x[train].mean(axis=0)",
        "stds = x[train].std(axis=0)",
        "stds[stds == 0] = 1.0  # a constant column stays 0 instead of dividing by zero",
        "x = ((x - means) / stds).astype(np.float32)",
        "x_train, y_train = x[train], y[train]",
        "x_test, y_test = x[test], y[test]",
    ]
    return [_source(datasets.split_indices)], lines


# --------------------------------------------------------------------------
# Model, compile, fit
# --------------------------------------------------------------------------


def _shape_expressions(config: PlaygroundConfig, options: ExportOptions) -> tuple[str, str]:
    """The input width and output units as code: literals when known, else counted from the data."""
    if config.dataset != "csv":
        return _lit(n_inputs(config)), _lit(n_outputs(config))
    inputs = _lit(options.n_inputs) if options.n_inputs else "len(features)"
    if config.task == "multiclass":
        outputs = _lit(options.n_outputs) if options.n_outputs else "len(class_names)"
    elif config.task == "multilabel":
        outputs = _lit(len(config.csv_targets))
    else:
        outputs = "1"
    return inputs, outputs


def _metrics(config: PlaygroundConfig) -> tuple[list[str], str]:
    """The compile metrics as code, and a comment saying what they measure."""
    task = config.task
    if task == "binary":
        if config.uses_logits:
            return (['keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")'],
                    "accuracy, with class 1 where the logit > 0 (the probability > 0.5)")
        return ['"accuracy"'], "accuracy, with class 1 where the probability > 0.5"
    if task == "multiclass":
        return ['"accuracy"'], "accuracy, the predicted class being the largest output"
    if task == "multilabel":
        return (['keras.metrics.BinaryAccuracy(name="label_accuracy")'],
                "label accuracy, the share of right yes/no answers over all labels")
    return ['"mae"'], "mean absolute error, in the target's own units"


def _output_comment(config: PlaygroundConfig, outputs: str) -> str:
    rule = config.rule
    if outputs.isdigit():
        units = f"{outputs} unit" + ("" if outputs == "1" else "s")
    else:
        units = "one unit per class"  # counted from the CSV
    if config.uses_logits:
        squash = "softmax" if config.task == "multiclass" else "sigmoid"
        return (f"Output layer: {units}, linear: it outputs logits z, and the loss applies the "
                f"{squash} itself (from_logits=True), which is numerically safer than a {squash} "
                f"output layer.")
    return f"Output layer: {units}, {rule.output_activation}; loss: {rule.loss_label}."


def _regularizer_code(config: PlaygroundConfig) -> str | None:
    """The regularizer nnplay.model uses (None when off), as code."""
    if config.regularization == "none" or config.reg_rate == 0:
        return None
    kind = config.regularization
    penalty = "|w|" if kind == "l1" else "w²"
    return (f"regularizer = keras.regularizers.{kind.upper()}({kind}={_lit(float(config.reg_rate))})"
            f"  # adds {config.reg_rate:g} × Σ{penalty} to the loss")


def _model_code(config: PlaygroundConfig, options: ExportOptions) -> list[str]:
    from nnplay.model import layer_seed, loss_kwargs, optimizer_kwargs

    inputs, outputs = _shape_expressions(config, options)
    regularizer = _regularizer_code(config)
    sizes = [(_lit(layer.units), layer.activation) for layer in config.hidden] + [(outputs, config.output_activation)]
    layer_lines = [f"    keras.Input(shape=({inputs},)),"]
    for index, (units, activation) in enumerate(sizes):
        name = "output" if index == len(sizes) - 1 else f"hidden_{index + 1}"
        args = [f"units={units}", f"activation={_lit(activation)}",
                f"kernel_initializer=glorot(seed={layer_seed(config, index)})"]
        if regularizer:
            args.append("kernel_regularizer=regularizer")
        args.append(f"name={_lit(name)}")
        layer_lines.append(_call("keras.layers.Dense", args, indent=4, suffix=","))

    rule = config.rule
    heading = [_heading(f"Model: {rule.label.lower()}")]
    if options.strategy:
        heading.append(_comment("Built and compiled inside strategy.scope(): the weights and the optimizer's "
                                "slots become mirrored variables, one copy per replica, kept equal by "
                                "summing the gradients of all replicas at every step."))
    lines = [
        *heading[1:],
        _comment(rule.why),
        _comment(_output_comment(config, outputs)),
        _comment("Initial weights: GlorotUniform (Keras's default) with nnplay's seed for each layer, "
                 "so the model starts from exactly the weights nnplay starts from."),
        "glorot = keras.initializers.GlorotUniform",
    ]
    if regularizer:
        lines.append(regularizer)
    lines += ["model = keras.Sequential([", *layer_lines, '], name="nnplay")', "model.summary()", ""]

    optimizer_class = OPTIMIZERS[config.optimizer].keras_class
    loss_class = rule.loss
    metrics, metrics_comment = _metrics(config)
    lines += [
        f"# Metrics: {metrics_comment}",
        "model.compile(",
        _call(f"    optimizer=keras.optimizers.{optimizer_class}", _kwargs(optimizer_kwargs(config)), suffix=","),
        _call(f"    loss=keras.losses.{loss_class}", _kwargs(loss_kwargs(config)), suffix=","),
        f"    metrics=[{', '.join(metrics)}],",
        ")",
    ]
    if options.strategy:
        lines = ["with strategy.scope():", textwrap.indent("\n".join(lines), "    ")]
    return heading[:1] + lines


def _fit_code(config: PlaygroundConfig, options: ExportOptions) -> list[str]:
    epochs = options.epochs if options.epochs is not None else config.epochs
    lines = [_heading("Training")]
    if config.batch_size == 0:
        lines.append("# Full batch: plain gradient descent, one step per epoch on all training examples.")
        if options.strategy:
            lines.append(_comment("Under a strategy this is the global batch: each replica takes its share "
                                  "and the summed gradient is still that of all the examples, so it is not "
                                  "scaled."))
        batch = "len(x_train)"
    elif options.strategy:
        lines += [
            _comment(f"batch_size is the global batch: fit splits each one across the replicas. "
                     f"Scaling it by the number of replicas keeps each replica's batch at nnplay's "
                     f"{config.batch_size} (each device does the work one did alone), so the model "
                     f"takes proportionally fewer, larger steps per epoch; if the curve then learns "
                     f"more slowly, raise the learning rate by about the same factor."),
            f"batch_size = {_lit(config.batch_size)} * strategy.num_replicas_in_sync",
        ]
        batch = "batch_size"
    else:
        batch = _lit(config.batch_size)
        lines.append(_comment("fit shuffles the batches in its own order, so the loss curve is close to "
                              "nnplay's, not identical."))
    lines += [
        _call("history = model.fit", ["x_train", "y_train", f"batch_size={batch}", f"epochs={_lit(epochs)}",
                                      "validation_data=(x_test, y_test)"]),
        "model.evaluate(x_test, y_test)",
        "",
    ]
    task = config.task
    if config.uses_logits:
        squash = "softmax" if task == "multiclass" else "sigmoid"
        what = "class probabilities" if task == "multiclass" else "P(y = 1)"
        lines += [
            _comment(f"The model outputs logits (its last layer is linear and the loss has "
                     f"from_logits=True), so the {squash} is one extra step here: {what}."),
            f"probabilities = tf.nn.{squash}(model(x_test)).numpy()",
            'print("first test example:", probabilities[0].round(3))',
        ]
    elif task in ("binary", "multiclass", "multilabel"):
        squash = "softmax" if task == "multiclass" else "sigmoid"
        lines += [
            f"# The output layer applies the {squash} already: the outputs are probabilities.",
            "probabilities = model.predict(x_test)",
            'print("first test example:", probabilities[0].round(3))',
        ]
    else:
        lines += [
            "predictions = model.predict(x_test)",
            'print("first test example:", predictions[0], "target:", y_test[0])',
        ]
    if options.save_model_path:
        save = f"model.save({_lit(str(options.save_model_path))})"
        if options.strategy == "multiworker":
            lines += ["", "# Every worker trained the same model; one file is enough, written by the chief.",
                      "if is_chief:", f"    {save}"]
        else:
            lines += ["", save]
    return lines


def _strategy_code(options: ExportOptions) -> list[str]:
    """The strategy, made before any Keras object (logical devices must exist before TF starts)."""
    if options.strategy == "mirrored":
        return [
            _heading("Distribution: MirroredStrategy, one replica per GPU of this machine"),
            _comment(f"With no GPU, MirroredStrategy trains on the CPU as a single replica. To try "
                     f"several replicas anyway, set {CPU_REPLICAS_ENV}=2 (or more): the CPU is split into "
                     f"that many logical devices, one replica each."),
            f'cpu_replicas = int(os.environ.get("{CPU_REPLICAS_ENV}", "0"))',
            'if cpu_replicas > 1 and not tf.config.list_physical_devices("GPU"):',
            '    cpu = tf.config.list_physical_devices("CPU")[0]',
            "    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * cpu_replicas)",
            '    strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(cpu_replicas)])',
            "else:",
            "    strategy = tf.distribute.MirroredStrategy()  # every visible GPU, or the CPU",
            'print(f"MirroredStrategy: {strategy.num_replicas_in_sync} replica(s) in sync")',
        ]
    return [
        _heading("Distribution: MultiWorkerMirroredStrategy, one process per machine (see the top of this file)"),
        _comment("Without TF_CONFIG this runs as a single worker on this machine. Created before any "
                 "other TensorFlow call, as MultiWorkerMirroredStrategy requires."),
        "strategy = tf.distribute.MultiWorkerMirroredStrategy()",
        "",
        _comment("Work-around for Keras 3.15 with TensorFlow 2.21 across several workers: fit calls "
                 "strategy.reduce on a whole (x, y) batch, and on scalar logs with axis=0, and "
                 "tf.distribute's multi-worker reduce accepts neither. Reducing one tensor at a time, "
                 "with no axis for a scalar, gives fit what it asked for (tested with two workers)."),
        "reduce_one_tensor = strategy.reduce",
        "",
        "",
        "def reduce_each_tensor(reduce_op, value, axis=None):",
        "    def one(tensor):",
        "        rank = strategy.experimental_local_results(tensor)[0].shape.rank",
        "        return reduce_one_tensor(reduce_op, tensor, axis=axis if rank else None)",
        "",
        "    return tf.nest.map_structure(one, value)",
        "",
        "",
        "strategy.reduce = reduce_each_tensor",
        "resolver = strategy.cluster_resolver",
        'is_chief = resolver.task_type in (None, "chief") or (resolver.task_type == "worker" and resolver.task_id == 0)',
        'print(f"MultiWorkerMirroredStrategy: {strategy.num_replicas_in_sync} replica(s) in sync, "',
        '      f"task {resolver.task_type} {resolver.task_id}")',
    ]


# --------------------------------------------------------------------------
# The script
# --------------------------------------------------------------------------


def _docstring(config: PlaygroundConfig, options: ExportOptions) -> str:
    if config.dataset == "mnist":
        data = "MNIST digits"
    elif config.dataset == "csv":
        data = "your own CSV file"
    else:
        data = f"the toy problem {DATASET_LABELS.get(config.dataset, config.dataset)!r}"
    needs = "numpy, pandas and tensorflow" if config.dataset == "csv" else "numpy and tensorflow"
    return (f'"""{config.rule.label} of {data} with Keras, exported from nnplay.\n\n'
            f"Runs on its own: it needs {needs} (Keras 3 comes with TensorFlow).\n"
            f"{_strategy_docs(options)}"
            f'"""')


def _strategy_docs(options: ExportOptions) -> str:
    if options.strategy == "mirrored":
        return ("\nTrains with tf.distribute.MirroredStrategy: one replica per GPU of this machine, the\n"
                "gradients summed across replicas at every step. Run it as usual: python this_file.py\n"
                f"No GPU? {CPU_REPLICAS_ENV}=2 python this_file.py splits the CPU into 2 replicas.\n")
    if options.strategy == "multiworker":
        return (
            "\nTrains with tf.distribute.MultiWorkerMirroredStrategy: the same script runs on every\n"
            "machine (worker), each with all its GPUs (or its CPU), gradients summed across all of them.\n"
            "\n"
            "Each worker learns the cluster and its own place in it from the TF_CONFIG environment\n"
            "variable, a JSON object: the same \"cluster\" everywhere, a different \"task\" per worker.\n"
            "For two machines, on the first:\n"
            "\n"
            "    TF_CONFIG='{\"cluster\": {\"worker\": [\"host1:12345\", \"host2:12345\"]},\n"
            "               \"task\": {\"type\": \"worker\", \"index\": 0}}' python this_file.py\n"
            "\n"
            "and on the second the same with \"index\": 1. Worker 0 is the chief: it saves the model.\n"
            "The ports must be reachable between the machines. Start all workers: training begins\n"
            "when every one has joined. Without TF_CONFIG the script trains alone on this machine.\n"
        )
    return ""


def to_keras_script(config: PlaygroundConfig, options: ExportOptions | Mapping[str, Any] | None = None) -> str:
    """A standalone, runnable Keras script that reproduces `config`.

    Toy data is generated with nnplay's own generator code (so it is the same data);
    MNIST comes from keras.datasets; CSV data from pandas.read_csv(options.csv_path).
    """
    options = ExportOptions.coerce(options)
    if options.strategy is not None and options.strategy not in STRATEGIES:
        raise ValueError(f"strategy must be None or one of {', '.join(STRATEGIES)}, not {options.strategy!r}")
    if options.epochs is not None and (not isinstance(options.epochs, int) or options.epochs < 1):
        raise ValueError(f"epochs must be a whole number ≥ 1, not {options.epochs!r}")
    if options.save_model_path and not str(options.save_model_path).endswith((".keras", ".h5")):
        raise ValueError("save_model_path must end in .keras (Keras 3's model file format)")
    if config.task not in TASKS:
        raise ValueError(f"unknown task {config.task!r}")

    if config.dataset == "mnist":
        definitions, data = _mnist_data(config)
    elif config.dataset == "csv":
        definitions, data = _csv_data(config, options)
    else:
        definitions, data = _toy_data(config)

    imports = ["import os"] if options.strategy == "mirrored" else []
    imports.append("import numpy as np")
    if config.dataset == "csv":
        imports.append("import pandas as pd")
    if config.uses_logits or options.strategy:
        imports.append("import tensorflow as tf")
    imports.append("import keras")

    parts = [_docstring(config, options), "\n".join(imports)]
    if options.strategy:
        parts.append("\n".join(_strategy_code(options)))
    parts.append("# Seeds Python, NumPy and TensorFlow, so fit shuffles the same way on every run.\n"
                 f"keras.utils.set_random_seed({_lit(config.seed)})")
    if definitions:
        parts.append("# nnplay's data code, copied as is.")
        parts.extend(definitions)
    parts.append("\n".join(data))
    parts.append("\n".join(_model_code(config, options)))
    parts.append("\n".join(_fit_code(config, options)))
    # Two blank lines around function definitions (PEP 8), one elsewhere.
    script = ""
    for i, part in enumerate(parts):
        if i:
            joint = "\n\n\n" if part.startswith("def ") or parts[i - 1].lstrip().startswith("def ") else "\n\n"
            script += joint
        script += part
    return script + "\n"
