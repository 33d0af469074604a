"""The catalog: one record per task, per dataset, per optimizer (and its lab variants), per activation,
per metric. Every other table the app needs is derived from these records: the widgets' options and
labels, the link parsers, the exported Keras script, the race's lanes and the cost surfaces' optimizers,
plot colours and labels, advice. To add a toy dataset or an optimizer, add one record here (or call
`register` with it); nothing else needs to change.

The derived tables are read from the live dicts at the moment they are needed, so a record
registered later (a test does that) appears everywhere at once.

Imports nothing heavy: numpy for the toy generators, no TensorFlow, no Streamlit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from nnplay.data import generators

# --------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str  # as Keras and the run history name it
    label: str  # on the page's plots
    is_rate: bool  # a share from 0 to 1 (drawn as %, higher is better); else an error in the target's units
    keras: str = ""  # as a compile metric in the exported script ("" if Keras has none)
    meaning: str = ""  # what it measures, for the script's comment


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("accuracy", "accuracy", True, '"accuracy"', "accuracy, the predicted class being the largest output"),
    Metric("label_accuracy", "label accuracy", True, 'keras.metrics.BinaryAccuracy(name="label_accuracy")',
           "label accuracy, the share of right yes/no answers over all labels"),
    Metric("exact_match", "exact match", True),  # every label of an example right; Keras has no such metric
    Metric("mae", "mean absolute error", False, '"mae"', "mean absolute error, in the target's own units"),
    Metric("r2", "R²", False),
)}

# --------------------------------------------------------------------------
# Tasks: the course's rules, as data.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """What a task implies for the output layer, the loss, the labels and the metrics."""

    key: str
    label: str
    # Activation of the output layer when the network outputs probabilities.
    output_activation: str
    # Whether the "logits + from_logits=True" variant exists for this task.
    logits_allowed: bool
    loss: str  # Keras loss class name
    loss_label: str
    loss_formula: str  # LaTeX
    epoch_metrics: tuple[str, ...]  # tracked every epoch while training (nnplay.engine.training)
    final_metrics: tuple[str, ...]  # of the trained model, with scikit-learn (nnplay.engine.metrics)
    label_dtype: str  # numpy dtype of a Dataset's y: class indices, or floats
    is_regression: bool
    why: str


TASKS: dict[str, Task] = {t.key: t for t in (
    Task(
        key="binary",
        label="Binary classification",
        output_activation="sigmoid",
        logits_allowed=True,
        loss="BinaryCrossentropy",
        loss_label="binary cross-entropy",
        loss_formula=r"\begin{gathered} L = -\,y\log a - (1-y)\log(1-a) \\ a = \sigma(z) \end{gathered}",
        epoch_metrics=("accuracy",),
        final_metrics=("accuracy",),
        label_dtype="int32",
        is_regression=False,
        why=(
            "One yes/no answer: a single sigmoid unit turns the score z into a "
            "probability a = P(y=1), and binary cross-entropy is the negative "
            "log-likelihood of that Bernoulli guess."
        ),
    ),
    Task(
        key="multiclass",
        label="Multiclass classification",
        output_activation="softmax",
        logits_allowed=True,
        loss="SparseCategoricalCrossentropy",
        loss_label="sparse categorical cross-entropy",
        loss_formula=r"\begin{gathered} L = -\log a_y \\ a_j = \frac{e^{z_j}}{\sum_k e^{z_k}} \end{gathered}",
        epoch_metrics=("accuracy",),
        final_metrics=("accuracy",),
        label_dtype="int32",
        is_regression=False,
        why=(
            "Exactly one of K classes: K output units give scores z₁…z_K, "
            "softmax turns them into probabilities that sum to one, and the loss "
            "is −log of the probability of the true class. With from_logits=True "
            "Keras computes softmax and the log together, which avoids round-off."
        ),
    ),
    Task(
        key="multilabel",
        label="Multi-label classification",
        output_activation="sigmoid",
        logits_allowed=False,
        loss="BinaryCrossentropy",
        loss_label="binary cross-entropy (per label)",
        loss_formula=r"L = \frac{1}{K}\sum_k \bigl[-y_k\log a_k - (1-y_k)\log(1-a_k)\bigr]",
        epoch_metrics=("label_accuracy", "exact_match"),
        final_metrics=("label_accuracy", "exact_match"),
        label_dtype="float32",
        is_regression=False,
        why=(
            "K independent yes/no questions about the same input: K sigmoid units, "
            "each its own probability (they need not sum to one), and binary "
            "cross-entropy averaged over the labels."
        ),
    ),
    Task(
        key="regression",
        label="Regression",
        output_activation="linear",
        logits_allowed=False,
        loss="MeanSquaredError",
        loss_label="mean squared error",
        loss_formula=r"L = (\hat y - y)^2",
        epoch_metrics=("mae",),
        final_metrics=("mae", "r2"),
        label_dtype="float32",
        is_regression=True,
        why=(
            "A real number of any sign: one linear output unit, and the squared "
            "error between prediction and target."
        ),
    ),
    Task(
        key="regression_nonneg",
        label="Regression (y ≥ 0)",
        output_activation="relu",
        logits_allowed=False,
        loss="MeanSquaredError",
        loss_label="mean squared error",
        loss_formula=r"\begin{gathered} L = (\hat y - y)^2 \\ \hat y = \max(0, z) \end{gathered}",
        epoch_metrics=("mae",),
        final_metrics=("mae", "r2"),
        label_dtype="float32",
        is_regression=True,
        why=(
            "A quantity that cannot be negative (a price, a count): a ReLU output "
            "can never predict below zero; the loss is still the squared error."
        ),
    ),
)}

# --------------------------------------------------------------------------
# Datasets: 2-D toy generators (nnplay.data.generators) and the two real sources.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetRecord:
    key: str  # in links (data=...) and config files
    label: str  # in the Dataset selectbox
    tasks: tuple[str, ...]  # the tasks it serves, in the order they list it
    # A standalone numpy function (n, noise, rng[, k]) -> (points, y), copied into exported scripts;
    # None for MNIST and CSV, which are loaded, not generated.
    generator: Callable | None = None
    takes_k: bool = False  # the generator takes k (classes, or labels) as its fourth argument
    label_names: tuple[str, ...] = ()  # multi-label: the names of the yes/no labels, in the generator's order
    # A straight line (a plane, for regression: a linear function) fits it: a network without
    # hidden layers can learn it. The advice warns when a non-linear one gets no hidden layer.
    linearly_separable: bool = False
    tf_playground: str = ""  # its name in a TF Playground link's "dataset=" / "regDataset=", if it has one

    @property
    def is_toy(self) -> bool:
        return self.generator is not None

    def class_names(self, task: str, k: int) -> list[str]:
        """The names of a toy dataset's classes (or labels) for a task, with k classes or labels."""
        if TASKS[task].is_regression:
            return []
        if task == "binary":
            return ["0", "1"]
        if task == "multilabel":
            return list(self.label_names[:k])
        return [f"class {j}" for j in range(k)]


DATASETS: dict[str, DatasetRecord] = {d.key: d for d in (
    DatasetRecord("circle", "Circle", ("binary",), generators.make_circle, tf_playground="circle"),
    DatasetRecord("xor", "Exclusive or", ("binary",), generators.make_xor, tf_playground="xor"),
    DatasetRecord("gauss", "Two gaussians", ("binary",), generators.make_gauss, linearly_separable=True,
                  tf_playground="gauss"),
    DatasetRecord("spiral", "Spiral", ("binary",), generators.make_spiral, tf_playground="spiral"),
    DatasetRecord("moons", "Two moons", ("binary",), generators.make_moons),
    DatasetRecord("blobs", "Blobs (K classes)", ("multiclass",), generators.make_blobs, takes_k=True,
                  linearly_separable=True),
    DatasetRecord("spiral_arms", "Spiral arms (K classes)", ("multiclass",), generators.make_spiral_arms,
                  takes_k=True),
    DatasetRecord("zones", "Zones (K yes/no labels)", ("multilabel",), generators.make_zones, takes_k=True,
                  label_names=generators.ZONE_LABELS),
    DatasetRecord("plane", "Plane", ("regression",), generators.make_plane, linearly_separable=True,
                  tf_playground="reg-plane"),
    DatasetRecord("bump", "Gaussian bump", ("regression", "regression_nonneg"), generators.make_bump,
                  tf_playground="reg-gauss"),
    DatasetRecord("distance", "Distance from centre (y ≥ 0)", ("regression_nonneg",), generators.make_distance),
    DatasetRecord("mnist", "MNIST digits", ("binary", "multiclass", "multilabel")),
    DatasetRecord("csv", "Your own CSV", tuple(TASKS)),
)}


def datasets_for(task: str) -> tuple[str, ...]:
    """The datasets a task offers: its toy datasets first, then MNIST and CSV."""
    serving = [d for d in DATASETS.values() if task in d.tasks]
    return tuple(d.key for d in serving if d.is_toy) + tuple(d.key for d in serving if not d.is_toy)


def dataset_label(dataset: str) -> str:
    """A dataset's name on the page (its key, if the catalog does not know it)."""
    record = DATASETS.get(dataset)
    return record.label if record else dataset


def is_toy(dataset: str) -> bool:
    """Generated, not loaded. (A name the catalog does not know counts as toy data, as it always has:
    validation then names the dataset as the problem and checks the samples against the toy cap.)"""
    record = DATASETS.get(dataset)
    return record is None or record.is_toy


# Input features for 2-D toy data, as TF Playground offers them.
FEATURES: dict[str, str] = {
    "x1": "x₁",
    "x2": "x₂",
    "x1sq": "x₁²",
    "x2sq": "x₂²",
    "x1x2": "x₁x₂",
    "sinx1": "sin x₁",
    "sinx2": "sin x₂",
}

# The yes/no attributes of a digit for MNIST multi-label.
MNIST_ATTRIBUTES: dict[str, tuple[int, ...]] = {
    "even": (0, 2, 4, 6, 8),
    "≥ 5": (5, 6, 7, 8, 9),
    "closed loop": (0, 4, 6, 8, 9),
}

# --------------------------------------------------------------------------
# Activations: the names are Keras's own (keras.activations.get); only the words are ours.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Activation:
    key: str  # Keras's name
    label: str
    output_range: str
    flat: str  # where the derivative vanishes (or nearly does)
    why: str
    hidden: bool = True  # offered for hidden layers in the Playground (and links); the lab shows them all
    color: str = ""  # its line where the Activation Lab compares a few side by side ("" = a run colour)


ACTIVATIONS: dict[str, Activation] = {a.key: a for a in (
    Activation(
        "relu", "ReLU", "[0, ∞)",
        "The derivative is exactly 0 for z < 0 (a 'dead' unit if that holds for every input) and 1 for z > 0.",
        "Cheap, and a slope of 1 passes gradients through many layers undiminished: the default for "
        "hidden layers.", color="#0877bd"),
    Activation(
        "tanh", "tanh", "(−1, 1)",
        "tanh'(z) = 1 − tanh²(z) is 1 at z = 0 and almost 0 for |z| > 3.",
        "A zero-centred sigmoid (tanh(z) = 2σ(2z) − 1): a steeper slope, still saturates at both ends.",
        color="#2ca02c"),
    Activation(
        "sigmoid", "sigmoid", "(0, 1)",
        "σ'(z) = σ(z)(1 − σ(z)) is at most 0.25 (at z = 0) and almost 0 for |z| > 5.",
        "A probability for a yes/no output. In hidden layers its flat tails and its ≤ 0.25 slope "
        "shrink the gradient at every layer: deep sigmoid stacks learn slowly near the input.", color="#f59322"),
    Activation(
        "linear", "linear (identity)", "(−∞, ∞)",
        "Never flat: the derivative is 1 everywhere.",
        "Right for a regression output or logits. In hidden layers it adds nothing: a stack of "
        "linear layers is one linear layer (see below).", color="#7f7f7f"),
    Activation(
        "leaky_relu", "leaky ReLU", "(−∞, ∞)",
        "Never flat: slope 1 for z > 0 and Keras's negative_slope (0.2 by default) for z < 0.",
        "A ReLU whose units cannot die: a negative input still gets a small gradient."),
    Activation(
        "elu", "ELU", "(−1, ∞)",
        "Slope 1 for z > 0; for z < 0 the slope eᶻ fades to 0 as z goes far below 0.",
        "Like ReLU but smooth and with negative outputs, which keeps mean activations near zero."),
    Activation(
        "selu", "SELU", "(−1.76, ∞)",
        "Slope ≈ 1.05 for z > 0; for z < 0 it fades to 0 far below 0.",
        "A scaled ELU whose constants keep activations at mean 0, variance 1 through a deep stack "
        "(with LeCun-normal initialisation)."),
    Activation(
        "gelu", "GELU", "(≈ −0.17, ∞)",
        "Slope ≈ 1 for large z, ≈ 0 for very negative z; slightly negative just below 0.",
        "z·Φ(z): a smooth ReLU that lets small negative values through; used in BERT and GPT."),
    Activation(
        "silu", "swish / SiLU", "(≈ −0.28, ∞)",
        "Slope ≈ 1 for large z, ≈ 0 for very negative z; slightly negative around z ≈ −2.4 … 0.",
        "z·σ(z): smooth and non-monotonic, often a little better than ReLU in deep networks."),
    Activation(
        "softplus", "softplus", "(0, ∞)",
        "Its derivative is σ(z): almost 0 for very negative z, 1 for large z.",
        "log(1 + eᶻ), a smooth ReLU that is always positive (used for outputs that must be > 0)."),
    Activation(
        "softsign", "softsign", "(−1, 1)",
        "1/(1 + |z|)²: decays only polynomially, so its tails are less flat than tanh's.",
        "A tanh-like squashing with gentler saturation.", hidden=False),
    Activation(
        "mish", "mish", "(≈ −0.31, ∞)",
        "Slope ≈ 1 for large z, ≈ 0 for very negative z.",
        "z·tanh(softplus(z)): smooth and non-monotonic like swish.", hidden=False),
    Activation(
        "hard_sigmoid", "hard sigmoid", "[0, 1]",
        "Exactly 0 outside −3 < z < 3, a constant 1/6 inside.",
        "A piecewise-linear sigmoid: cheap on small devices, and entirely flat outside its ramp.", hidden=False),
)}


def hidden_activations() -> tuple[str, ...]:
    """The activations a hidden layer may have (widgets, links, config files, loaded models)."""
    return tuple(key for key, activation in ACTIVATIONS.items() if activation.hidden)


# --------------------------------------------------------------------------
# Optimizers: the config's choice (a Keras class and the config fields it takes), and the
# variants the Optimizer Lab runs (plain SGD, momentum and Nesterov are all SGD).
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class OptimizerVariant:
    """One optimizer as the Optimizer Lab shows it: on the cost surfaces and as a lane of the race."""

    key: str
    label: str
    color: str  # its line on every lab plot
    settings: tuple[tuple[str, object], ...] = ()  # config fields it sets (momentum=0.9, ...)
    on_surfaces: bool = True  # offered on the two-parameter cost surfaces
    # The race's opening learning rate: one that suits the race's small networks on 2-D toy data,
    # inside the optimizer's usual range; None keeps it out of the race. Measured on the opening
    # race (circle, 300 points, 4-2 tanh, batch 10, seed 0): each of these reaches train loss 0.3
    # within 100 epochs; at Keras's defaults Adam (0.001), RMSprop (0.001), Adagrad (0.01) and
    # Adadelta (1.0) do not.
    race_lr: float | None = None
    race_label: str = ""  # its name in the race, if not `label` (minibatches make gradient descent SGD)
    optimizer: str = ""  # the key of the Optimizer it belongs to (filled in when registered)

    @property
    def lane_label(self) -> str:
        return self.race_label or self.label


@dataclass(frozen=True)
class Optimizer:
    key: str  # the config's `optimizer` (links: opt=...)
    label: str
    keras_class: str  # in keras.optimizers
    params: tuple[str, ...]  # config fields passed to the Keras class besides the learning rate
    typical_lr: tuple[float, float]  # a range that usually works (for advice, not validation)
    default_lr: float  # what choosing it sets
    variants: tuple[OptimizerVariant, ...] = field(default=())
    # It scales each weight's step by that weight's own recent gradients (Adam-like), so a step is
    # about the learning rate whatever the gradient's size (the race's advice says so).
    adaptive: bool = False


OPTIMIZERS: dict[str, Optimizer] = {}
VARIANTS: dict[str, OptimizerVariant] = {}  # every lab variant of every optimizer, by key


def _add_optimizer(optimizer: Optimizer) -> None:
    variants = tuple(replace(v, optimizer=optimizer.key) for v in optimizer.variants)
    OPTIMIZERS[optimizer.key] = replace(optimizer, variants=variants)
    VARIANTS.update({v.key: v for v in variants})


for _optimizer in (
    Optimizer("sgd", "SGD (momentum optional)", "SGD", ("momentum", "nesterov"), (1e-3, 1.0), 0.03, (
        OptimizerVariant("sgd", "Gradient descent", "#78909c", race_lr=0.03, race_label="SGD"),  # TF Playground's rate
        OptimizerVariant("momentum", "Momentum", "#2980b9", (("momentum", 0.9),), race_lr=0.03),
        OptimizerVariant("nesterov", "Nesterov", "#16a085", (("momentum", 0.9), ("nesterov", True)), race_lr=0.03),
    )),
    Optimizer("rmsprop", "RMSprop", "RMSprop", ("rho", "momentum", "epsilon"), (1e-4, 1e-2), 1e-3, (
        OptimizerVariant("rmsprop", "RMSprop", "#8e44ad", (("rho", 0.9),), race_lr=0.01),
    ), adaptive=True),
    Optimizer("adagrad", "Adagrad", "Adagrad", ("epsilon",), (1e-3, 1.0), 0.01, (
        OptimizerVariant("adagrad", "Adagrad", "#d35400", race_lr=0.1),
    )),
    Optimizer("adadelta", "Adadelta", "Adadelta", ("rho", "epsilon"), (1e-2, 10.0), 1.0, (
        OptimizerVariant("adadelta", "Adadelta", "#7f8c8d", on_surfaces=False, race_lr=3.0),
    )),
    Optimizer("adam", "Adam", "Adam", ("beta_1", "beta_2", "epsilon"), (1e-4, 1e-2), 1e-3, (
        OptimizerVariant("adam", "Adam", "#c0392b", race_lr=0.01),
    ), adaptive=True),
    Optimizer("adamax", "Adamax", "Adamax", ("beta_1", "beta_2", "epsilon"), (1e-4, 2e-2), 2e-3, adaptive=True),
    Optimizer("nadam", "Nadam", "Nadam", ("beta_1", "beta_2", "epsilon"), (1e-4, 1e-2), 1e-3, adaptive=True),
):
    _add_optimizer(_optimizer)


def surface_variants() -> tuple[str, ...]:
    """The optimizers of the cost-surface lab, in catalog order."""
    return tuple(key for key, variant in VARIANTS.items() if variant.on_surfaces)


def race_variants() -> tuple[str, ...]:
    """The entrants of the optimizer race, in catalog order."""
    return tuple(key for key, variant in VARIANTS.items() if variant.race_lr is not None)


REGULARIZATIONS = ("none", "l1", "l2")


# --------------------------------------------------------------------------
# Registering a record (a new dataset or optimizer, or one a test adds for a while)
# --------------------------------------------------------------------------


def register(record: DatasetRecord | Optimizer) -> None:
    """Add a dataset or an optimizer (with its lab variants) to the catalog. A key already taken is
    refused: a record never silently replaces another (links name records by their keys)."""
    if isinstance(record, DatasetRecord):
        taken = [record.key] if record.key in DATASETS else []
    elif isinstance(record, Optimizer):
        taken = [record.key] if record.key in OPTIMIZERS else []
        taken += [variant.key for variant in record.variants if variant.key in VARIANTS]
    else:
        raise TypeError(f"Not a catalog record: {record!r}")
    if taken:
        raise ValueError(f"The catalog already has {', '.join(map(repr, taken))}; choose another key.")
    if isinstance(record, DatasetRecord):
        DATASETS[record.key] = record
    else:
        _add_optimizer(record)


def unregister(record: DatasetRecord | Optimizer) -> None:
    if isinstance(record, DatasetRecord):
        DATASETS.pop(record.key, None)
    else:
        for variant in OPTIMIZERS.pop(record.key).variants:
            VARIANTS.pop(variant.key, None)


@contextlib.contextmanager
def registered(*records: DatasetRecord | Optimizer) -> Iterator[None]:
    """The catalog with these records added, for the duration of a `with` block."""
    for record in records:
        register(record)
    try:
        yield
    finally:
        for record in records:
            unregister(record)
