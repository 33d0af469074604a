"""Cost surfaces of two parameters, for watching optimizers move on them.

Each surface is a cost J(w₁, w₂) written with `keras.ops`, so the same function
is differentiated by `tf.GradientTape` (nnplay.labs.optimizer.trajectories) and evaluated on a
whole grid at once for the contour plot (`grid`). There is no data here: the
surface *is* the cost, so "gradient descent" means the exact, full-batch gradient.

The four surfaces are the classic pictures of the course and of optimizer papers:
an elongated bowl (gradient descent zig-zags across it), Rosenbrock's curved
valley, a saddle point, and Himmelblau's function with four minima.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np

import nnplay.engine.runtime  # noqa: F401  (TensorFlow's threads, set before any op runs)

ops = keras.ops


@dataclass(frozen=True)
class CostSurface:
    """A differentiable cost of a 2-vector, plus what a page needs to show it."""

    key: str
    name: str
    formula: str  # LaTeX
    python: str  # the same cost as Python of w = (w[0], w[1]), for the code shown on the page
    description: str
    cost_xy: Callable  # (x, y) -> cost, keras.ops, elementwise (broadcasts over grids)
    default_start: tuple[float, float]
    box: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max of the view
    minima: tuple[tuple[float, float], ...]  # known minima (exact)
    default_lr: float  # a learning rate that shows the surface's story, at which no optimizer diverges
    default_steps: int
    saddles: tuple[tuple[float, float], ...] = ()
    # A quadratic's curvature along (w₁, w₂), the same everywhere; it sets each optimizer's
    # largest stable learning rate (nnplay.labs.optimizer.trajectories.stability_limit). None: not a quadratic.
    curvatures: tuple[float, float] | None = None

    def cost(self, w):
        """J(w) for a 2-vector w (a tensor or a keras.Variable): what GradientTape differentiates."""
        return self.cost_xy(w[0], w[1])

    def value(self, x, y) -> np.ndarray:
        """The cost at numpy points (any matching shapes), as float64 numpy."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        return np.asarray(self.cost_xy(ops.convert_to_tensor(x), ops.convert_to_tensor(y)), dtype=np.float64)

    @property
    def min_cost(self) -> float:
        return float(min(self.value(x, y) for x, y in self.minima))

    def contains(self, point, margin: float = 0.0) -> bool:
        """Whether a point lies in the view box grown by `margin` box-widths on every side."""
        x_min, x_max, y_min, y_max = self.box
        dx, dy = (x_max - x_min) * margin, (y_max - y_min) * margin
        x, y = point
        return bool(x_min - dx <= x <= x_max + dx and y_min - dy <= y <= y_max + dy)

    def nearest_minimum(self, point) -> tuple[float, float]:
        return min(self.minima, key=lambda m: np.hypot(point[0] - m[0], point[1] - m[1]))

    def grid(self, n: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """xs (n,), ys (n,), costs (n, n) with rows along y: the data of a contour plot."""
        x_min, x_max, y_min, y_max = self.box
        xs = np.linspace(x_min, x_max, n)
        ys = np.linspace(y_min, y_max, n)
        gx, gy = np.meshgrid(xs, ys)
        return xs, ys, self.value(gx, gy)


def _bowl(x, y):
    # Curvature 0.04 along w₁, 2 along w₂: a 50:1 ellipse. Gradient descent is stable
    # only for lr < 2/2 = 1, and at that rate w₁ crawls (its factor per step is 1 - 0.04·lr).
    return 0.02 * x**2 + y**2


def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _saddle(x, y):
    # A saddle at the origin between two valleys at y = ±1 (cost -1/4 there).
    return x**2 - 0.5 * y**2 + 0.25 * y**4


def _himmelblau(x, y):
    return (x**2 + y - 11.0) ** 2 + (x + y**2 - 7.0) ** 2


SURFACES: dict[str, CostSurface] = {
    "bowl": CostSurface(
        key="bowl",
        name="Elongated bowl",
        formula=r"J(w_1, w_2) = 0.02\,w_1^2 + w_2^2",
        python="0.02 * w[0]**2 + w[1]**2",
        description=(
            "The course's picture of unscaled features: contours are long thin ellipses. The gradient "
            "points mostly across the valley, so gradient descent zig-zags between its walls while "
            "creeping along it; one learning rate cannot suit both directions."
        ),
        cost_xy=_bowl,
        default_start=(-8.0, 1.5),
        box=(-10.0, 10.0, -3.0, 3.0),
        minima=((0.0, 0.0),),
        # Below Nesterov's stability limit here (0.68): every optimizer converges on the first view,
        # and gradient descent still zig-zags across w₂ (its factor per step there is 1 - 2·0.6 < 0).
        default_lr=0.6,
        default_steps=100,
        curvatures=(0.04, 2.0),
    ),
    "rosenbrock": CostSurface(
        key="rosenbrock",
        name="Rosenbrock's valley",
        formula=r"J(w_1, w_2) = (1 - w_1)^2 + 100\,(w_2 - w_1^2)^2",
        python="(1 - w[0])**2 + 100 * (w[1] - w[0]**2)**2",
        description=(
            "A narrow curved valley with a flat floor: finding the valley is easy, following it to the "
            "minimum at (1, 1) is slow. Walls 100 times steeper than the floor force a small learning rate."
        ),
        cost_xy=_rosenbrock,
        default_start=(-1.5, 2.0),
        box=(-2.0, 2.0, -1.0, 3.0),
        minima=((1.0, 1.0),),
        default_lr=0.001,
        default_steps=400,
    ),
    "saddle": CostSurface(
        key="saddle",
        name="Saddle point",
        formula=r"J(w_1, w_2) = w_1^2 - \tfrac12 w_2^2 + \tfrac14 w_2^4",
        python="w[0]**2 - 0.5 * w[1]**2 + 0.25 * w[1]**4",
        description=(
            "A saddle at (0, 0): a minimum along w₁ and a maximum along w₂, between two valleys at "
            "w₂ = ±1. Starting almost on the ridge, the gradient along w₂ is tiny, so gradient descent "
            "slides into the saddle and lingers there before it escapes."
        ),
        cost_xy=_saddle,
        default_start=(-2.0, 0.01),
        box=(-2.5, 2.5, -2.0, 2.0),
        minima=((0.0, 1.0), (0.0, -1.0)),
        saddles=((0.0, 0.0),),
        default_lr=0.05,
        default_steps=150,
    ),
    "himmelblau": CostSurface(
        key="himmelblau",
        name="Several minima (Himmelblau)",
        formula=r"J(w_1, w_2) = (w_1^2 + w_2 - 11)^2 + (w_1 + w_2^2 - 7)^2",
        python="(w[0]**2 + w[1] - 11)**2 + (w[0] + w[1]**2 - 7)**2",
        description=(
            "Four minima of equal cost 0 around a hill: which one an optimizer reaches depends on where "
            "it starts and on how it moves, so optimizers starting at the same point can end in "
            "different minima."
        ),
        cost_xy=_himmelblau,
        default_start=(0.5, -1.0),
        box=(-5.0, 5.0, -5.0, 5.0),
        minima=((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
        default_lr=0.01,
        default_steps=300,
    ),
}


def get_surface(key: str) -> CostSurface:
    if key not in SURFACES:
        raise KeyError(f"Unknown surface {key!r}; choose one of {', '.join(SURFACES)}.")
    return SURFACES[key]
