"""The input plane as the network sees it: every layer's activations over a grid of 2-D points.

TF Playground's signature views — the decision boundary behind the data and a
thumbnail per neuron — are both "run the network on a grid of the input plane".
`PlaneProbe` builds that grid once per trainer (points → the config's input
features), and a `tf.function` runs the Dense layers one by one, returning each
layer's output. It calls the layers directly: `model.predict` measured ~70x
slower on a 100x100 grid. It is safe to call while a `LiveRun` trains the same
model in another thread (it only reads the weights).

The helpers at the bottom turn a `PlaneView`'s outputs into what each task
draws behind the data, with TF Playground's "discretize output" option.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from nnplay.config.catalog import TASKS
from nnplay.data.generators import transform_features

# TensorFlow is imported inside PlaneProbe only: PlaneView and the surface helpers
# are plain numpy, so nnplay.figures can use them without loading TensorFlow.

# The toy generators put their points in about [-6, 6]² (see nnplay.data).
INPUT_RANGE: tuple[float, float] = (-6.0, 6.0)
_TWIN_LOCK = threading.RLock()  # plane_at's twin model: one set_weights + evaluate at a time


@dataclass
class PlaneView:
    """The network evaluated on a res x res grid of the input plane.

    Arrays are indexed [row, column] = [y index, x index], as a plotly heatmap's z:
    `output[i, j]` is the model at the point (xs[j], ys[i]).

    inputs:  (res, res, n_features) the input features over the plane (x₁, x₁², sin x₂ ...)
    neurons: one (res, res, units) array per hidden layer: each hidden neuron's activation
    output:  (res, res, K) what the task reports: probabilities (classification) or values
    """

    xs: np.ndarray
    ys: np.ndarray
    output: np.ndarray
    neurons: list[np.ndarray]
    inputs: np.ndarray
    task: str
    feature_names: list[str] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)
    epoch: int = 0

    @property
    def resolution(self) -> int:
        return len(self.xs)


def plane_grid(resolution: int, input_range: tuple[float, float] = INPUT_RANGE):
    """xs, ys and the (res*res, 2) points of the grid, row-major in y then x."""
    low, high = input_range
    xs = np.linspace(low, high, resolution, dtype=np.float32)
    ys = np.linspace(low, high, resolution, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)  # gx[i, j] = xs[j], gy[i, j] = ys[i]
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=1)


class PlaneProbe:
    """Created once per trainer; `evaluate()` gives the current `PlaneView` (a few ms)."""

    def __init__(self, trainer, resolution: int = 60, input_range: tuple[float, float] = INPUT_RANGE, model=None):
        """`model`: another model of the same shape to probe instead of the trainer's (a rewind)."""
        import tensorflow as tf

        config = trainer.config
        if not config.is_toy:
            raise ValueError(f"The input plane exists only for 2-D toy data, not for {config.dataset!r}.")
        self.trainer = trainer
        self.config = config
        self.resolution = int(resolution)
        self.xs, self.ys, points = plane_grid(self.resolution, input_range)
        features = transform_features(points, config.features)
        self._inputs = features.reshape(self.resolution, self.resolution, -1)
        self._grid = tf.constant(features, tf.float32)
        self.model = model if model is not None else trainer.model
        layers = list(self.model.layers)

        def all_layers(x):
            """Every Dense layer's output, one after the other."""
            outputs = []
            for layer in layers:
                x = layer(x, training=False)
                outputs.append(x)
            return outputs

        # A plain graph, not XLA: XLA was ~0.4 ms faster a picture (0.5 vs 0.9 ms for [4, 2] on a
        # 60x60 grid), but TensorFlow keeps every XLA program for the life of the process, and a
        # probe belongs to one trainer: a plain graph goes with it. (TensorFlow logs a "retracing"
        # warning once a process has made more than five probes: one graph per model is intended.)
        self._forward = tf.function(all_layers)

    def evaluate(self) -> PlaneView:
        from nnplay.engine.model import to_probabilities

        res = self.resolution
        arrays = [a.numpy().reshape(res, res, -1) for a in self._forward(self._grid)]
        data = self.trainer.data
        return PlaneView(
            xs=self.xs,
            ys=self.ys,
            output=to_probabilities(self.config, arrays[-1]).astype(np.float32, copy=False),
            neurons=arrays[:-1],
            inputs=self._inputs,
            task=self.config.task,
            feature_names=list(data.feature_names),
            class_names=list(data.class_names),
            epoch=self.trainer.epoch,
        )


# --------------------------------------------------------------------------
# What each task draws behind the data.
# --------------------------------------------------------------------------


def binary_surface(output: np.ndarray, discretize: bool = False) -> np.ndarray:
    """P(class 1) over the plane, (res, res); discretized: 0/1 at the 0.5 threshold."""
    p = output[..., 0]
    return (p > 0.5).astype(np.float32) if discretize else p


def multiclass_surface(output: np.ndarray, discretize: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(argmax class, confidence = its probability); discretized: full confidence everywhere."""
    classes = output.argmax(axis=-1)
    confidence = np.ones(classes.shape, np.float32) if discretize else output.max(axis=-1)
    return classes, confidence


def label_surface(output: np.ndarray, label_index: int = 0, discretize: bool = False) -> np.ndarray:
    """Multi-label: the chosen label's probability; discretized: 0/1 at 0.5."""
    p = output[..., label_index]
    return (p > 0.5).astype(np.float32) if discretize else p


def regression_surface(output: np.ndarray, discretize: bool = False, step: float = 0.2) -> np.ndarray:
    """The predicted value; discretized: rounded to bands `step` wide (contour-map look)."""
    v = output[..., 0]
    return (np.round(v / step) * step).astype(np.float32) if discretize else v


@dataclass
class PlaneSurface:
    """What a task shows behind the data.

    value: (res, res) P(class 1) / P(label) / predicted value / (multiclass) confidence
    classes: multiclass only, (res, res) argmax class
    """

    task: str
    value: np.ndarray
    classes: np.ndarray | None = None


def surface(view: PlaneView, task: str | None = None, label_index: int = 0, discretize: bool = False) -> PlaneSurface:
    """The boundary picture of `view` for its task (see the helpers above)."""
    task = task or view.task
    if task == "binary":
        return PlaneSurface(task, binary_surface(view.output, discretize))
    if task == "multiclass":
        classes, confidence = multiclass_surface(view.output, discretize)
        return PlaneSurface(task, confidence, classes)
    if task == "multilabel":
        return PlaneSurface(task, label_surface(view.output, label_index, discretize))
    if task in TASKS and TASKS[task].is_regression:
        return PlaneSurface(task, regression_surface(view.output, discretize))
    raise ValueError(f"unknown task {task!r}")


def probe_for(trainer) -> PlaneProbe:
    """The trainer's own probe, built on first use and shared by every page of the session."""
    probe = getattr(trainer, "plane_probe", None)
    if probe is None:
        probe = trainer.plane_probe = PlaneProbe(trainer)
    return probe


def plane_at(trainer, weights, epoch: int) -> PlaneView:
    """The plane as the model was with `weights` (a keyframe) after `epoch` epochs. A twin of the
    model is probed, once per trainer, so the model in training is never touched."""
    with _TWIN_LOCK:  # the page and a run's first moments (LiveRun's prepare) may both probe
        probe = getattr(trainer, "rewind_probe", None)
        if probe is None:
            import keras

            twin = keras.models.clone_model(trainer.model)
            probe = trainer.rewind_probe = PlaneProbe(trainer, model=twin)
        probe.model.set_weights(weights)
        view = probe.evaluate()
    view.epoch = epoch
    return view
