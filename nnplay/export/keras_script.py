"""The Keras script for a config: what a practitioner would copy to reproduce a run.

    to_keras_script(config, options=None) -> str

The script runs on its own (numpy, keras, tensorflow; pandas for CSV data) and
builds exactly nnplay's model: the same layers, names, activations, seeded
initial weights, optimizer, loss and metrics. Nothing is duplicated here:

- the toy generators, the feature transform and the train/test split are copied
  from nnplay.data with inspect.getsource, so the script's toy data equals
  what nnplay trains on; so is MNIST's picking (pick_mnist_images), and the
  script loads MNIST from the source the page used (ExportOptions.mnist);
- the training loop is copied from nnplay.engine.training (make_epoch_function and the
  functions it calls), so the script trains as the Trainer does: the same batches
  in the same order, the same loss and penalty, the same per-epoch test loss, and
  the final test loss of the page, digit for digit. The course's compile/fit form
  is in the script too, behind USE_KERAS_FIT (close to the page's curve, not equal).
  Under a tf.distribute strategy the script trains with fit;
- the optimizer's and the loss's keyword arguments and the per-layer seeds come
  from nnplay.engine.model (optimizer_kwargs, loss_kwargs, layer_seed);
- the explanations come from the task table (nnplay.config.catalog.TASKS[task].why).

This module is string building: it imports no TensorFlow, Keras or Streamlit
at module level. (nnplay.engine.model imports Keras, so it is imported inside the
function that needs it.)

Every value that reaches the script goes through `_lit`, which writes a Python
literal, so a CSV column name cannot break out of its string.
"""

from __future__ import annotations

import inspect
import json
import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from nnplay.config.catalog import (
    DATASETS,
    METRICS,
    MNIST_ATTRIBUTES,
    OPTIMIZERS,
    TASKS,
    dataset_label,
)
from nnplay.config.schema import PlaygroundConfig, n_inputs, n_outputs
from nnplay.data import mnist as mnist_data
from nnplay.data.dataset import DataError, split_indices, train_count
from nnplay.data.generators import transform_features

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
    mnist: MNIST only — where the page's MNIST came from (mnist_data.load_mnist().origin, or
        nnplay.data.mnist.mnist_availability(config).source); the script loads the same source and
        states its real image counts. None: the source load_mnist() finds in this process
        (the official Keras MNIST when there is none).
    """

    epochs: int | None = None
    save_model_path: str | None = None
    csv_path: str = "your_data.csv"
    n_inputs: int | None = None
    n_outputs: int | None = None
    strategy: str | None = None
    mnist: mnist_data.MnistSource | None = None

    @staticmethod
    def coerce(options: ExportOptions | Mapping[str, Any] | None) -> ExportOptions:
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


def _split_functions() -> list[str]:
    """nnplay's train/test split, copied as is (split_indices calls train_count)."""
    return [_source(train_count), _source(split_indices)]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


# --------------------------------------------------------------------------
# Data sections. Each one ends with x_train, y_train, x_test, y_test defined,
# the dtypes nnplay.data.Dataset documents.
# --------------------------------------------------------------------------


def _y_dtype(task: str) -> str:
    return f"np.{TASKS[task].label_dtype}"


def _toy_data(config: PlaygroundConfig) -> tuple[list[str], list[str]]:
    """(function definitions, data code) for 2-D toy data, mirroring nnplay.data.toy.toy_dataset."""
    name = config.dataset
    generator = DATASETS[name].generator
    definitions = [_source(generator), _source(transform_features), *_split_functions()]
    args = [f"n={_lit(config.n_samples)}", f"noise={_lit(float(config.noise))}", "rng=rng"]
    if DATASETS[name].takes_k:
        args.append(f"k={_lit(config.n_classes)}")
    n_train = train_count(config.n_samples, config.train_fraction)
    label = dataset_label(name)
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


def _mnist_source(options: ExportOptions) -> mnist_data.MnistSource:
    """The MNIST source the script loads: the page's, else the one this process finds."""
    if options.mnist is not None:
        return options.mnist
    try:
        return mnist_data.load_mnist().origin or mnist_data.OFFICIAL_MNIST
    except DataError:
        return mnist_data.OFFICIAL_MNIST


def _idx_names(parts: tuple[str, ...]) -> list[str]:
    return [f"{stem}.gz" for part in parts for stem in mnist_data.IDX_FILES[part]]


def _source_words(source: mnist_data.MnistSource) -> str:
    """Where the images come from, and how many there are, in a person's words."""
    if source.has_test_split:
        counts = (f"the official split, {sum(source.digit_counts):,} training + "
                  f"{sum(source.test_digit_counts):,} test images")
    else:
        counts = f"{sum(source.digit_counts):,} images"
    if source.kind == "idx":
        which = {("test",): "the official test set only", ("train",): "the official training set only"}
        what = which.get(source.parts, "the official training and test sets")
        return f"the official MNIST IDX files in {source.path} ({what}: {counts})"
    if source.kind == mnist_data.BUNDLED:
        return (f"the MNIST training images that ship with nnplay as nnplay/data/{mnist_data.BUNDLED_FILE.name} "
                f"({counts}, no official test set)")
    if source.kind == "npz":
        return f"the mnist.npz in {source.path} (Keras's format; {counts})"
    where = f"read from its cache {source.path}" if source.path else "downloaded by keras.datasets.mnist.load_data()"
    return f"Keras's mnist.npz, {where} ({counts})"


def _picking_words(config: PlaygroundConfig, source: mnist_data.MnistSource) -> str:
    """How nnplay picks this config's images from the source, with the real counts."""
    n_train, n_test = mnist_data.mnist_counts(config, source)
    digits = f" showing the digit {config.digits[0]} or {config.digits[1]}" if config.task == "binary" else ""
    if source.has_test_split:
        words = (f"nnplay picks {n_train:,} random images of the training part{digits} for training and "
                 f"{n_test:,} of the test part for testing")
    else:
        words = (f"With no official split, nnplay picks {n_train + n_test:,} random images of this "
                 f"pool{digits} and splits them: {n_train:,} for training, {n_test:,} for testing")
    if n_train + n_test < config.n_samples:
        words += f" (the setup asks for {config.n_samples:,}; that is all this source has)"
    return words + "."


def _mnist_npz_loader(source: mnist_data.MnistSource) -> list[str]:
    """Code that loads mnist.npz as the page did, or exits saying how to get it."""
    page_file = [source.path] if source.path else []
    return [
        _comment("Looked for in this order: the folder NNPLAY_MNIST_DIR names, the file the page read, "
                 "then Keras's own copy (keras.datasets.mnist.load_data() reads ~/.keras/datasets/mnist.npz, "
                 "or downloads it once, 11 MB)."),
        f"PAGE_MNIST_FILES = {_lit(page_file)}",
        "",
        "",
        "def load_mnist():",
        '    """(images, labels, test_images, test_labels) of mnist.npz; exits with a how-to without it."""',
        '    folder = os.environ.get("NNPLAY_MNIST_DIR")',
        '    for path in ([os.path.join(folder, "mnist.npz")] if folder else []) + PAGE_MNIST_FILES:',
        "        if os.path.isfile(path):",
        "            with np.load(path) as f:",
        '                return f["x_train"], f["y_train"], f["x_test"], f["y_test"]',
        "    try:",
        "        (images, labels), (test_images, test_labels) = keras.datasets.mnist.load_data()",
        "    except Exception as error:  # offline and no copy yet",
        "        sys.exit(",
        '            f"Could not load MNIST: {error}\\n"',
        f'            "Download {mnist_data.MNIST_NPZ_URL} (11 MB)\\n"',
        '            "and put it in ~/.keras/datasets/, or in a folder of your choice and run:\\n"',
        '            "    NNPLAY_MNIST_DIR=that_folder python this_script.py"',
        "        )",
        "    return images, labels, test_images, test_labels",
        "",
        "",
        "images, labels, test_images, test_labels = load_mnist()",
    ]


def _mnist_idx_loader(source: mnist_data.MnistSource) -> list[str]:
    """Code that reads the official IDX files from the page's folder, or exits saying how to get them."""
    files = " and ".join(_idx_names(source.parts))

    def reads(part: str, prefix: str = "") -> list[str]:
        images, labels = mnist_data.IDX_FILES[part]
        return [f"{prefix}images = read_idx(idx_file({_lit(images)}))",
                f"{prefix}labels = read_idx(idx_file({_lit(labels)}))"]

    lines = [
        _comment("The folder the page read; to use another one holding the same files, set NNPLAY_MNIST_DIR."),
        f'MNIST_FOLDER = os.environ.get("NNPLAY_MNIST_DIR") or {_lit(source.path)}',
        "",
        "",
        "def idx_file(name):",
        '    """The IDX file `name` in MNIST_FOLDER (gzipped or not); exits with a how-to when missing."""',
        '    for path in (os.path.join(MNIST_FOLDER, name + ".gz"), os.path.join(MNIST_FOLDER, name)):',
        "        if os.path.isfile(path):",
        "            return path",
        "    sys.exit(",
        '        f"MNIST file {name}.gz not found in {MNIST_FOLDER}.\\n"',
        f'        "This script trains on the images the page used: {files}.\\n"',
        f'        "Download them from {mnist_data.MNIST_IDX_URL} (a mirror of yann.lecun.com/exdb/mnist),\\n"',
        '        "put them in a folder and run:\\n"',
        '        "    NNPLAY_MNIST_DIR=that_folder python this_script.py"',
        "    )",
        "",
        "",
    ]
    if source.has_test_split:
        lines += reads("train") + reads("test", prefix="test_")
    else:
        lines += reads(source.parts[0]) + ["test_images = test_labels = None  # no official split: one pool"]
    return lines


def _mnist_bundled_loader(source: mnist_data.MnistSource) -> list[str]:
    """Code that loads nnplay's bundled 5,000 images as the page did, or exits saying how to get them."""
    name = mnist_data.BUNDLED_FILE.name
    page_file = [source.path] if source.path else []
    return [
        _comment(f"The page had no other copy of MNIST. {name} (arrays images and labels) is looked for in "
                 "this order: in the folder NNPLAY_MNIST_DIR names, at the path the page read, then in the "
                 "folder this script runs from."),
        f"MNIST_FILE = {_lit(name)}",
        f"PAGE_MNIST_FILES = {_lit(page_file)}",
        "",
        "",
        "def load_mnist():",
        f'    """(images, labels) of {name}; exits with a how-to without it."""',
        '    folder = os.environ.get("NNPLAY_MNIST_DIR")',
        "    candidates = ([os.path.join(folder, MNIST_FILE)] if folder else []) + PAGE_MNIST_FILES + [MNIST_FILE]",
        "    for path in candidates:",
        "        if os.path.isfile(path):",
        "            return bundled_mnist(path)",
        "    sys.exit(",
        f'        "{name} not found. This script trains on the 5,000 MNIST training images the page used,\\n"',
        f'        "the file nnplay/data/{name} of nnplay\'s repository. Copy it into this folder, or into\\n"',
        '        "a folder of your choice and run:\\n"',
        '        "    NNPLAY_MNIST_DIR=that_folder python this_script.py\\n"',
        '        "(The full MNIST, 70,000 images from keras.datasets.mnist.load_data(), gives other numbers:\\n"',
        '        "export the script from a page that has it.)"',
        "    )",
        "",
        "",
        "images, labels = load_mnist()",
        "test_images = test_labels = None  # no official split: one pool",
    ]


def _mnist_targets(config: PlaygroundConfig) -> list[str]:
    """y_train and y_test from the picked images' digits, as nnplay's _mnist_y makes them."""
    if config.task == "binary":
        positive, negative = config.digits
        return [
            f"# y = 1 for the digit {positive}, 0 for the digit {negative}",
            f"y_train = (labels[train] == {positive}).astype(np.int32)",
            f"y_test = (test_labels[test] == {positive}).astype(np.int32)",
        ]
    if config.task == "multiclass":
        return [
            "# y = the digit, 0..9",
            "y_train = labels[train].astype(np.int32)",
            "y_test = test_labels[test].astype(np.int32)",
        ]
    if config.task == "multilabel":
        entries = "".join(f"    {_lit(name)}: {_lit(list(members))},\n" for name, members in MNIST_ATTRIBUTES.items())
        return [
            "# Multi-label: yes/no attributes of each digit, one 0/1 column per attribute.",
            "ATTRIBUTES = {\n" + entries + "}",
            "",
            "",
            "def attributes(digits):",
            "    columns = [np.isin(digits, members) for members in ATTRIBUTES.values()]",
            "    return np.stack(columns, axis=1).astype(np.float32)",
            "",
            "",
            "y_train = attributes(labels[train])",
            "y_test = attributes(test_labels[test])",
        ]
    raise ValueError(f"MNIST has no {config.task!r} task; use binary, multiclass or multilabel")


def _mnist_data(config: PlaygroundConfig, options: ExportOptions) -> tuple[list[str], list[str]]:
    """MNIST from the page's source, picked as nnplay.data.mnist.mnist_dataset picks it (pick_mnist_images)."""
    source = _mnist_source(options)
    n_train, n_test = mnist_data.mnist_counts(config, source)
    definitions = [_source(train_count), _source(mnist_data.pick_mnist_images)]  # it calls train_count
    if source.kind == "idx":
        definitions.insert(0, _source(mnist_data.read_idx))
        loader = _mnist_idx_loader(source)
    elif source.kind == mnist_data.BUNDLED:
        definitions.insert(0, _source(mnist_data.bundled_mnist))  # the page's own reader, copied
        loader = _mnist_bundled_loader(source)
    else:
        loader = _mnist_npz_loader(source)
    only = _lit(list(config.digits)) if config.task == "binary" else "None"
    lines = [
        _heading("Data: MNIST handwritten digits, 28 x 28 grey images flattened to 784 inputs in [0, 1]"),
        _comment(f"Source, as on the page: {_source_words(source)}."),
        *loader,
        "",
        _comment(_picking_words(config, source)),
        f"rng = np.random.default_rng({_lit(config.data_seed)})  # the data seed",
        _call("train, test = pick_mnist_images", ["labels", "test_labels", f"only_digits={only}",
                                                  f"n={_lit(config.n_samples)}",
                                                  f"train_fraction={_lit(float(config.train_fraction))}", "rng=rng"]),
        "if test_images is None:  # one pool: the test images come from it too",
        "    test_images, test_labels = images, labels",
        "x_train = images[train].reshape(len(train), -1).astype(np.float32) / 255.0",
        "x_test = test_images[test].reshape(len(test), -1).astype(np.float32) / 255.0",
        *_mnist_targets(config),
        'print(f"MNIST: {len(train):,} training and {len(test):,} test images")',
        f"if (len(train), len(test)) != ({n_train}, {n_test}):",
        f'    print("Note: the page had {n_train:,} training and {n_test:,} test images. This copy of MNIST "',
        """          "is another one, so the images (and the numbers) differ from the page's.")""",
    ]
    return definitions, lines


def _csv_data(config: PlaygroundConfig, options: ExportOptions) -> tuple[list[str], list[str]]:
    """A learner's CSV, mirroring nnplay.data.csv_upload.parse_csv (labels sorted to 0..K-1, standardised features)."""
    targets = list(config.csv_targets)
    if not targets:
        raise ValueError("a CSV config needs csv_targets (the column(s) to predict)")
    target = targets[0]
    lines = [
        _heading("Data: your own CSV file"),
        _comment("The first line holds the column names; every column except the target(s) is a "
                 "numeric input. nnplay reads the separator from the header line: for a ';'-separated "
                 "file add sep=';' (and decimal=',' when numbers are written 1,5), for a tab-separated "
                 "one sep='\\t'."),
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
    return _split_functions(), lines


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


# Each epoch metric as a Keras compile metric, and what it measures (the metric's record; binary
# accuracy needs its threshold). Keras has no exact-match metric, so fit's history lacks that one.
def _keras_metric(config: PlaygroundConfig, metric: str) -> tuple[str, str] | None:
    if metric == "accuracy" and config.task == "binary":
        if config.uses_logits:
            return ('keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")',
                    "accuracy, with class 1 where the logit > 0 (the probability > 0.5)")
        return '"accuracy"', "accuracy, with class 1 where the probability > 0.5"
    record = METRICS[metric]
    return (record.keras, record.meaning) if record.keras else None


def _metrics(config: PlaygroundConfig) -> tuple[list[str], str]:
    """The compile metrics as code, and a comment saying what they measure."""
    chosen = [m for m in (_keras_metric(config, name) for name in TASKS[config.task].epoch_metrics) if m]
    return [code for code, _ in chosen], "; ".join(words for _, words in chosen)


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
    """The regularizer nnplay.engine.model uses (None when off), as code."""
    if config.regularization == "none" or config.reg_rate == 0:
        return None
    kind = config.regularization
    penalty = "|w|" if kind == "l1" else "w²"
    return (f"regularizer = keras.regularizers.{kind.upper()}({kind}={_lit(float(config.reg_rate))})"
            f"  # adds {config.reg_rate:g} × Σ{penalty} to the loss")


def _model_code(config: PlaygroundConfig, options: ExportOptions) -> list[str]:
    from nnplay.engine.model import layer_seed, loss_kwargs, optimizer_kwargs

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
    if options.strategy:
        metrics, metrics_comment = _metrics(config)
        lines += [
            f"# Metrics: {metrics_comment}",
            "model.compile(",
            _call(f"    optimizer=keras.optimizers.{optimizer_class}", _kwargs(optimizer_kwargs(config)), suffix=","),
            _call(f"    loss=keras.losses.{loss_class}", _kwargs(loss_kwargs(config)), suffix=","),
            f"    metrics=[{', '.join(metrics)}],",
            ")",
        ]
        lines = ["with strategy.scope():", textwrap.indent("\n".join(lines), "    ")]
    else:
        lines += [
            "# The optimizer and the loss, as nnplay builds them.",
            _call(f"optimizer = keras.optimizers.{optimizer_class}", _kwargs(optimizer_kwargs(config))),
            _call(f"loss_fn = keras.losses.{loss_class}", _kwargs(loss_kwargs(config))),
        ]
    return heading[:1] + lines


def _epochs(config: PlaygroundConfig, options: ExportOptions) -> int:
    return options.epochs if options.epochs is not None else config.epochs


# The exported script's two forms, timed on the spiral setup of issue 10 (2 x 8 ReLU, Adam 0.01,
# 250 training points in batches of 10, 200 epochs) on a 2-core CPU, training only: fit 23 s
# (12 s of them in its per-epoch validation pass; verbose=0 changes nothing), the loop 2.1 s,
# most of it XLA compiling. The default setup (100 epochs): fit 12 s, the loop 1.8 s.
FIT_SECONDS, FIT_VALIDATION_SECONDS, LOOP_SECONDS = 23, 12, 2


def training_functions() -> list[str]:
    """nnplay's epoch (nnplay.engine.training), copied as is: the functions make_epoch_function calls, then it."""
    from nnplay.engine import training

    functions = [training.targets_for_loss, training.per_example_metrics,
                 training.train_step, training.batch_order, training.make_epoch_function]
    return [_source(function) for function in functions]


def _why_not_fit() -> str:
    return _comment(
        f"Why not model.fit, as the course writes it? It trains the same model, and its curve is close "
        f"to nnplay's but not the same: fit shuffles the batches its own way. On small data it is also "
        f"slow: it runs every batch as a call of its own, with Python and callback work around each, and "
        f"sets up a new pass over the test set every epoch. Measured on a 2-core CPU, 200 epochs of "
        f"nnplay's spiral (2 x 8 ReLU, Adam, 250 points in batches of 10) took {FIT_SECONDS} s with fit "
        f"({FIT_VALIDATION_SECONDS} s of them in the test-set passes) and {LOOP_SECONDS} s with the loop "
        f"below, which runs each whole epoch as one compiled program. To train with fit anyway, set "
        f"USE_KERAS_FIT = True.")


def _fit_branch(config: PlaygroundConfig) -> list[str]:
    """The course's compile/fit, indented for the `if USE_KERAS_FIT:` branch."""
    batch = "len(x_train)" if config.batch_size == 0 else _lit(config.batch_size)
    metrics, metrics_comment = _metrics(config)
    penalty = []
    if _regularizer_code(config):
        penalty = ["    # fit's loss and val_loss include the L1/L2 penalty; nnplay's (below) are the data loss alone."]
    return [
        f"    # Metrics: {metrics_comment}",
        *penalty,
        _call("model.compile", ["optimizer=optimizer", "loss=loss_fn", f"metrics=[{', '.join(metrics)}]"], indent=4),
        _call("history = model.fit", ["x_train", "y_train", f"batch_size={batch}", "epochs=EPOCHS",
                                      "validation_data=(x_test, y_test)", "verbose=2"], indent=4, suffix=".history"),
    ]


def _nnplay_loop_branch(config: PlaygroundConfig) -> list[str]:
    """nnplay's loop over make_epoch_function, indented for the `else:` branch; fills fit-like history."""
    task = _lit(config.task)
    full_batch = "  # 0 = full batch: one step per epoch on all training examples" if config.batch_size == 0 else ""
    return [
        "    optimizer.build(model.trainable_variables)",
        "    run_epoch = make_epoch_function(",
        f"        model, optimizer, loss_fn, task={task}, from_logits={_lit(config.uses_logits)},",
        f"        train=(tf.constant(x_train), tf.constant(targets_for_loss({task}, y_train))),",
        f"        test=(tf.constant(x_test), tf.constant(targets_for_loss({task}, y_test))),",
        f"        batch_size={_lit(config.batch_size)},{full_batch}",
        f"        seed={_lit(config.seed)},  # the training seed: it orders the batches",
        "        n_metrics=len(EPOCH_METRICS),",
        "    )",
        '    # The same keys as fit\'s history; "val_" = measured on the test set after the epoch.',
        '    names = ["loss", *EPOCH_METRICS]',
        '    history = {key: [] for key in names + ["val_" + name for name in names]}',
        "    for epoch in range(EPOCHS):",
        "        train_loss, test_loss, train_metrics, test_metrics = run_epoch(epoch)",
        "        for key, value in zip(history, [train_loss, *train_metrics, test_loss, *test_metrics]):",
        "            history[key].append(float(value))",
        '        latest = ", ".join(f"{key} {values[-1]:.4f}" for key, values in history.items())',
        '        print(f"epoch {epoch + 1}/{EPOCHS}: {latest}")',
        '        if not np.isfinite(history["loss"][-1] + history["val_loss"][-1]):',
        '            print("The loss became NaN or infinite: the learning rate is too large. Stopping.")',
        "            break",
    ]


def _loop_code(config: PlaygroundConfig, options: ExportOptions) -> tuple[str, list[str], list[str]]:
    """(heading, copied definitions, code) of the plain script's training: nnplay's loop, or fit."""
    heading = "\n".join([
        _heading("Training, as nnplay trains: the same batches in the same order, hence the page's curve"),
        _comment("nnplay's training code (nnplay/engine/training.py), copied as is. Each epoch shuffles the training "
                 "examples with a random op seeded by (seed, epoch), steps through the full batches and "
                 "then the remainder batch, and ends with the loss on the test set; XLA compiles the whole "
                 "epoch into one program."),
    ])
    lines = [
        f"EPOCHS = {_lit(_epochs(config, options))}",
        f"EPOCH_METRICS = {_lit(TASKS[config.task].epoch_metrics)}  # tracked every epoch, as on the page",
        _why_not_fit(),
        "USE_KERAS_FIT = False",
        "",
        "if USE_KERAS_FIT:",
        *_fit_branch(config),
        "else:",
        *_nnplay_loop_branch(config),
        "",
        "# The number to compare with the page's final test loss.",
        """print(f"final test loss: {history['val_loss'][-1]!r}")""",
        "",
    ]
    return heading, training_functions(), lines + _after_training(config, options)


def _fit_code(config: PlaygroundConfig, options: ExportOptions) -> list[str]:
    """The training of a script under a tf.distribute strategy: model.fit."""
    epochs = _epochs(config, options)
    lines = [
        _heading("Training"),
        _comment("Under a distribution strategy this script trains with model.fit, not with nnplay's own "
                 "loop (which the plain export uses): fit splits every batch across the replicas and sums "
                 "their gradients. It shuffles the batches its own way, so the curve is close to the page's, "
                 "not identical."),
    ]
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
    lines += [
        _call("history = model.fit", ["x_train", "y_train", f"batch_size={batch}", f"epochs={_lit(epochs)}",
                                      "validation_data=(x_test, y_test)"]),
        "model.evaluate(x_test, y_test)",
        """print(f"final test loss: {history.history['val_loss'][-1]!r}")""",
        "",
    ]
    return lines + _after_training(config, options)


def _after_training(config: PlaygroundConfig, options: ExportOptions) -> list[str]:
    """The trained model's outputs for a test example, and the saved model."""
    lines = []
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
    elif not TASKS[task].is_regression:
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
            "    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * cpu_replicas)",  # noqa: E501 (a line of the script)
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
        'is_chief = resolver.task_type in (None, "chief") or (resolver.task_type == "worker" and resolver.task_id == 0)',  # noqa: E501
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
        data = f"the toy problem {dataset_label(config.dataset)!r}"
    needs = "numpy, pandas and tensorflow" if config.dataset == "csv" else "numpy and tensorflow"
    same = ("" if options.strategy else
            "It trains the way nnplay's page does, so its final test loss is the page's, digit for digit.\n")
    return (f'"""{config.rule.label} of {data} with Keras, exported from nnplay.\n\n'
            f"Runs on its own: it needs {needs} (Keras 3 comes with TensorFlow).\n"
            f"{same}"
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


def _imports(config: PlaygroundConfig, options: ExportOptions) -> list[str]:
    """Standard library first, then numpy, pandas, TensorFlow, Keras (PEP 8 order)."""
    standard = set()
    if options.strategy == "mirrored":
        standard.add("os")
    if config.dataset == "mnist":
        standard |= {"os", "sys"}
        if _mnist_source(options).kind == "idx":
            standard |= {"gzip", "struct"}  # read_idx
    imports = [f"import {name}" for name in sorted(standard)]
    imports.append("import numpy as np")
    if config.dataset == "csv":
        imports.append("import pandas as pd")
    imports += ["import tensorflow as tf", "import keras"]
    return imports


def to_keras_script(config: PlaygroundConfig, options: ExportOptions | Mapping[str, Any] | None = None) -> str:
    """A standalone, runnable Keras script that reproduces `config`.

    Toy data is generated with nnplay's own generator code (so it is the same data);
    MNIST comes from the page's source (options.mnist); CSV data from pandas.read_csv(options.csv_path).
    Without a strategy the script trains with nnplay's own epoch function, so its final test
    loss is the page's; it ends by printing "final test loss: <float>".
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
        definitions, data = _mnist_data(config, options)
    elif config.dataset == "csv":
        definitions, data = _csv_data(config, options)
    else:
        definitions, data = _toy_data(config)

    parts = [_docstring(config, options), "\n".join(_imports(config, options))]
    if options.strategy:
        parts.append("\n".join(_strategy_code(options)))
        parts.append("# Seeds Python, NumPy and TensorFlow, so fit shuffles the same way on every run.\n"
                     f"keras.utils.set_random_seed({_lit(config.seed)})")
    else:
        parts.append("# Seeds Python, NumPy and TensorFlow, for model.fit's shuffling (USE_KERAS_FIT below);\n"
                     "# nnplay's own loop needs no global seed.\n"
                     f"keras.utils.set_random_seed({_lit(config.seed)})")
    if definitions:
        parts.append("# nnplay's data code, copied as is.")
        parts.extend(definitions)
    parts.append("\n".join(data))
    parts.append("\n".join(_model_code(config, options)))
    if options.strategy:
        parts.append("\n".join(_fit_code(config, options)))
    else:
        heading, training_functions, training = _loop_code(config, options)
        parts += [heading, *training_functions, "\n".join(training)]
    # Two blank lines around function definitions (PEP 8), one elsewhere.
    script = ""
    for i, part in enumerate(parts):
        if i:
            joint = "\n\n\n" if part.startswith("def ") or parts[i - 1].lstrip().startswith("def ") else "\n\n"
            script += joint
        script += part
    return script + "\n"
