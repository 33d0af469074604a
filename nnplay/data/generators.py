"""The 2-D toy generators (TF Playground style, points in about [-6, 6]²) and TF Playground's input features.

Each is a standalone top-level function that uses only numpy (as ``np``) and its arguments: the
code exporter copies its source with inspect.getsource into a script that must run on its own. Keep
them that way (no module globals, no helpers). Which dataset uses which generator is the catalog's
business (nnplay.config.catalog.DATASETS).
"""

from __future__ import annotations

import numpy as np

# ==========================================================================
# 2-D toy generators (TF Playground style, points in about [-6, 6]²).
# Standalone: numpy only, no module globals — they are copied into exported scripts.
# noise is in [0, 0.5]; 0.5 is "hard but still learnable", like TF Playground's 50 %.
# ==========================================================================


def make_circle(n, noise, rng):
    """Class 1 inside a disc of radius 2.5, class 0 on a ring 3.5..5 around it (TF Playground)."""
    radius = 5.0
    inside = np.arange(n) < n // 2
    r = np.where(inside, rng.uniform(0, 0.5 * radius, n), rng.uniform(0.7 * radius, radius, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    # As TF Playground: noise moves the point only while deciding its label,
    # so labels near the boundary flip but the picture keeps its shape.
    shifted = points + rng.uniform(-radius, radius, (n, 2)) * noise
    y = (np.hypot(shifted[:, 0], shifted[:, 1]) < 0.5 * radius).astype(np.int32)
    return points, y


def make_xor(n, noise, rng):
    """Class 1 where x1 and x2 have the same sign (TF Playground's exclusive or)."""
    points = rng.uniform(-5, 5, (n, 2))
    points = points + np.where(points > 0, 0.3, -0.3)  # a small gap along the axes
    shifted = points + rng.uniform(-5, 5, (n, 2)) * noise  # label flips near the axes
    y = (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int32)
    return points, y


def make_gauss(n, noise, rng):
    """Two gaussian clouds around (2, 2) (class 1) and (-2, -2) (class 0)."""
    y = (np.arange(n) < n // 2).astype(np.int32)
    std = np.sqrt(0.5 + 7.0 * noise)  # TF Playground: variance 0.5 → 4 as noise goes 0 → 0.5
    centres = np.where(y[:, None] == 1, 2.0, -2.0)
    points = centres + rng.normal(0, std, (n, 2))
    return points, y


def make_spiral(n, noise, rng):
    """Two interleaved spirals of 1.75 turns, radius 0 → 5 (TF Playground)."""
    n1 = n // 2
    i = np.arange(n)
    y = (i < n1).astype(np.int32)
    along = np.where(y == 1, i / max(n1, 1), (i - n1) / max(n - n1, 1))  # 0 → 1 along each arm
    r = 5.0 * along
    t = 1.75 * 2 * np.pi * along + np.where(y == 1, 0.0, np.pi)
    points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    points = points + rng.uniform(-1, 1, (n, 2)) * 1.5 * noise  # ±0.75 at 0.5: arms touch, still learnable
    return points, y


def make_moons(n, noise, rng):
    """Two interlocking half-moons (as scikit-learn's make_moons), scaled to about [-5, 5]."""
    y = (np.arange(n) < n // 2).astype(np.int32)
    t = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    points = np.where(y[:, None] == 1, upper, lower)
    points = (points - [0.5, 0.25]) * 3.5 + rng.normal(0, 2.0 * noise, (n, 2))
    return points, y


def make_blobs(n, noise, rng, k):
    """k gaussian clusters placed evenly on a ring of radius 4; y = cluster 0..k-1."""
    y = np.arange(n) % k
    angle = 2 * np.pi * y / k + np.pi / 2
    centres = 4.0 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    points = centres + rng.normal(0, 0.6 + 2.0 * noise, (n, 2))  # std 0.6 → 1.6
    return points, y.astype(np.int32)


def make_spiral_arms(n, noise, rng, k):
    """k spiral arms from the centre outwards; y = arm 0..k-1."""
    y = np.arange(n) % k
    along = rng.uniform(0, 1, n)
    # Fewer turns for more arms keeps the gap between neighbouring arms the same.
    turns = min(1.75, 3.5 / k)
    r = 0.5 + 5.0 * along
    t = 2 * np.pi * (turns * along + y / k)
    points = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    points = points + rng.normal(0, 0.8 * noise, (n, 2))
    return points, y.astype(np.int32)


def make_zones(n, noise, rng, k):
    """Points with k yes/no labels from geometric rules (like car/bus/pedestrian in a street scene).

    Labels in order: right (x1 > 0), top (x2 > 0), near centre (r < 4),
    above diagonal (x2 > x1), middle column (|x1| < 3), far out (r > 5).
    """
    points = rng.uniform(-6, 6, (n, 2))
    # Noise moves the point only while deciding its labels, so labels flip near each border.
    a, b = (points + rng.normal(0, 2.0 * noise, (n, 2))).T
    r = np.hypot(a, b)
    rules = [a > 0, b > 0, r < 4, b > a, np.abs(a) < 3, r > 5]
    y = np.stack(rules[:k], axis=1).astype(np.float32)
    return points, y


def make_plane(n, noise, rng):
    """y = (x1 + x2) / 12, a tilted plane in [-1, 1] (TF Playground's regression plane)."""
    points = rng.uniform(-6, 6, (n, 2))
    y = (points[:, 0] + points[:, 1]) / 12 + rng.normal(0, 0.5 * noise, n)
    return points, y.astype(np.float32)


def make_bump(n, noise, rng):
    """Three gaussian bumps of height 1 on a flat floor; y in [0, 1], never negative."""
    points = rng.uniform(-6, 6, (n, 2))
    centres = np.array([[-3.0, 2.5], [3.0, 2.5], [0.0, -3.0]])
    d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    y = np.exp(-d2 / (2 * 1.6**2)).max(axis=1)
    y = np.clip(y + rng.normal(0, 0.3 * noise, n), 0, None)  # clipped: it also serves the y ≥ 0 task
    return points, y.astype(np.float32)


def make_distance(n, noise, rng):
    """y = distance from the centre / 6 (0 → about 1.4), never negative."""
    points = rng.uniform(-6, 6, (n, 2))
    y = np.hypot(points[:, 0], points[:, 1]) / 6
    y = np.clip(y + rng.normal(0, 0.4 * noise, n), 0, None)
    return points, y.astype(np.float32)


def transform_features(points, features):
    """TF Playground's input features of 2-D points, as float32 columns in the order asked."""
    x1 = points[:, 0]
    x2 = points[:, 1]
    table = {
        "x1": x1,
        "x2": x2,
        "x1sq": x1 * x1,
        "x2sq": x2 * x2,
        "x1x2": x1 * x2,
        "sinx1": np.sin(x1),
        "sinx2": np.sin(x2),
    }
    unknown = [f for f in features if f not in table]
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}; known: {list(table)}")
    return np.stack([table[f] for f in features], axis=1).astype(np.float32)


# The label names of make_zones, in its order.
ZONE_LABELS: tuple[str, ...] = ("right", "top", "near centre", "above diagonal", "middle column", "far out")
