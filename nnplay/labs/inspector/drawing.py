"""A digit drawn on a canvas → a 28×28 image prepared the way MNIST's digits were.

MNIST's recipe (LeCun et al.): the digit's bounding box is scaled to fit 20×20
keeping its aspect ratio, then placed in a 28×28 field so that its centre of
mass sits at the centre. Strokes are white on black, values 0..1.
"""

from __future__ import annotations

import numpy as np
from PIL import Image


def canvas_to_gray(rgba: np.ndarray) -> np.ndarray:
    """Canvas pixels (H, W, 4) or (H, W) → ink intensity 0..1 (the alpha channel, or brightness)."""
    array = np.asarray(rgba, np.float32)
    if array.ndim == 3:
        array = array[..., 3] if array.shape[-1] == 4 else array[..., :3].mean(axis=-1)
    return np.clip(array / (255.0 if array.max() > 1.0 else 1.0), 0.0, 1.0)


def to_mnist(rgba: np.ndarray, threshold: float = 0.05) -> np.ndarray | None:
    """28×28 float32 image in 0..1, centred by centre of mass; None for an empty canvas."""
    ink = canvas_to_gray(rgba)
    rows, cols = np.nonzero(ink > threshold)
    if rows.size == 0:
        return None
    box = ink[rows.min(): rows.max() + 1, cols.min(): cols.max() + 1]
    height, width = box.shape
    factor = 20.0 / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))  # PIL wants (width, height)
    small = np.asarray(Image.fromarray((box * 255).astype(np.uint8)).resize(size, Image.LANCZOS), np.float32) / 255
    field = np.zeros((28, 28), np.float32)
    top, left = (28 - small.shape[0]) // 2, (28 - small.shape[1]) // 2
    field[top: top + small.shape[0], left: left + small.shape[1]] = small
    return _centre_by_mass(field)


def _centre_by_mass(image: np.ndarray) -> np.ndarray:
    total = image.sum()
    ys, xs = np.indices(image.shape)
    shift_y = int(round(13.5 - (ys * image).sum() / total))
    shift_x = int(round(13.5 - (xs * image).sum() / total))
    shifted = np.zeros_like(image)
    src_y = slice(max(0, -shift_y), min(28, 28 - shift_y))
    dst_y = slice(max(0, shift_y), min(28, 28 + shift_y))
    src_x = slice(max(0, -shift_x), min(28, 28 - shift_x))
    dst_x = slice(max(0, shift_x), min(28, 28 + shift_x))
    shifted[dst_y, dst_x] = image[src_y, src_x]
    return np.clip(shifted, 0.0, 1.0)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    ys, xs = np.indices(image.shape)
    total = image.sum()
    return float((ys * image).sum() / total), float((xs * image).sum() / total)
