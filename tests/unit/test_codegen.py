"""The exported Keras script: it compiles, runs on its own, and builds nnplay's model on nnplay's data.

The scripts are run for real in two worker subprocesses (each imports TensorFlow
once and runs its share of the scripts with runpy, as `python script.py` would);
each run saves its trained model and its x/y arrays, which the tests compare
with nnplay.engine.model.build_model and nnplay.data.load_dataset.
"""

from __future__ import annotations

import ast
import gzip
import json
import os
import py_compile
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import keras
import numpy as np
import pytest

from nnplay.config.catalog import TASKS, datasets_for
from nnplay.config.schema import (
    HiddenLayer,
    PlaygroundConfig,
    count_params,
    default_config,
    validate,
    with_optimizer,
)
from nnplay.data import csv_upload
from nnplay.data import load as data_loading
from nnplay.data import mnist as mnist_data
from nnplay.engine.model import build_model, layer_seed
from nnplay.export.keras_script import (
    CPU_REPLICAS_ENV,
    STRATEGIES,
    ExportOptions,
    to_keras_script,
)
from tests.unit.script_workers import run_in_two_workers

REPO = Path(__file__).resolve().parents[2]
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"
EPOCHS = 2

# --------------------------------------------------------------------------
# The configs run for real: every task on toy data, plus regularization,
# no hidden layers, full batch, MNIST and a CSV.
# --------------------------------------------------------------------------

RUN_CONFIGS: dict[str, PlaygroundConfig] = {
    "binary": replace(PlaygroundConfig(), noise=0.1, features=("x1", "x2", "x1sq", "sinx2")),
    "multiclass": replace(default_config("multiclass"), n_classes=4, n_samples=300,
                          hidden=(HiddenLayer(8, "relu"),), optimizer="adam", learning_rate=0.01),
    "multilabel": replace(default_config("multilabel"), n_classes=4, n_samples=300, seed=7),
    "regression": replace(default_config("regression"), n_samples=200, data_seed=3),
    "regression_nonneg": replace(default_config("regression_nonneg"), dataset="distance", n_samples=200,
                                 hidden=(HiddenLayer(5, "elu"), HiddenLayer(3, "softplus"))),
    "l2": replace(with_optimizer(default_config("multiclass"), "rmsprop"), regularization="l2", reg_rate=0.01,
                  n_samples=200),
    "no_hidden": replace(PlaygroundConfig(), hidden=(), dataset="gauss", n_samples=200),
    "full_batch": replace(default_config("regression"), batch_size=0, n_samples=200, train_fraction=0.7),
    "mnist": replace(default_config("multiclass"), dataset="mnist", n_samples=600,
                     hidden=(HiddenLayer(25, "relu"), HiddenLayer(15, "relu")), optimizer="adam",
                     learning_rate=0.001, batch_size=32),
    "csv": replace(default_config("multiclass"), dataset="csv", csv_targets=("species",), n_samples=20),
}

CSV_TEXT = "petal length,petal width,species\n" + "".join(
    f"{1 + (i % 3) * 2 + (i % 5) * 0.1:.2f},{0.2 + (i % 3) * 0.8 + (i % 7) * 0.05:.2f},"
    f"{['setosa', 'versicolor', 'virginica'][i % 3]}\n"
    for i in range(60)
)

WORKER = textwrap.dedent(
    '''
    """Run exported scripts as `python script.py` would, and keep their data."""
    import json
    import runpy
    import sys
    import traceback

    import numpy as np

    for job in json.loads(sys.argv[1]):
        try:
            namespace = runpy.run_path(job["script"], run_name="__main__")
            np.savez(job["data"], **{k: namespace[k] for k in ("x_train", "y_train", "x_test", "y_test")})
        except BaseException:
            with open(job["error"], "w") as f:
                f.write(traceback.format_exc())
    '''
)


def _read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


@pytest.fixture(scope="module")
def mnist_npz(tmp_path_factory) -> Path | None:
    """Keras's mnist.npz layout built from the real test set: 8,000 'training' + 2,000 'test' images."""
    images_file = SHARED_MNIST / "t10k-images-idx3-ubyte.gz"
    labels_file = SHARED_MNIST / "t10k-labels-idx1-ubyte.gz"
    if not (images_file.is_file() and labels_file.is_file()):
        return None
    images, labels = _read_idx(images_file), _read_idx(labels_file)
    folder = tmp_path_factory.mktemp("mnist")
    path = folder / "mnist.npz"
    np.savez(path, x_train=images[:8000], y_train=labels[:8000], x_test=images[8000:], y_test=labels[8000:])
    return path


def npz_source(path: Path) -> mnist_data.MnistSource:
    """The source the page reports after reading this mnist.npz from NNPLAY_MNIST_DIR."""
    old = os.environ.get(mnist_data.MNIST_DIR_ENV)
    os.environ[mnist_data.MNIST_DIR_ENV] = str(path.parent)
    mnist_data.clear_mnist_cache()
    try:
        return mnist_data.load_mnist().origin
    finally:
        if old is None:
            del os.environ[mnist_data.MNIST_DIR_ENV]
        else:
            os.environ[mnist_data.MNIST_DIR_ENV] = old
        mnist_data.clear_mnist_cache()


@pytest.fixture(scope="module")
def runs(tmp_path_factory, mnist_npz) -> dict[str, dict]:
    """Run every RUN_CONFIGS script ({EPOCHS} epochs, model saved); name → paths and outcome."""
    folder = tmp_path_factory.mktemp("codegen_runs")
    (folder / "worker.py").write_text(WORKER)
    (folder / "your_data.csv").write_text(CSV_TEXT)
    jobs = {}
    for name, config in RUN_CONFIGS.items():
        validate(config)
        if config.dataset == "mnist" and mnist_npz is None:
            continue
        model_path = folder / f"{name}.keras"
        options = ExportOptions(epochs=EPOCHS, save_model_path=str(model_path), csv_path=str(folder / "your_data.csv"),
                                mnist=npz_source(mnist_npz) if config.dataset == "mnist" else None)
        script = folder / f"export_{name}.py"  # not csv.py: that would shadow the csv module
        script.write_text(to_keras_script(config, options), encoding="utf-8")
        jobs[name] = {"script": str(script), "model": str(model_path), "data": str(folder / f"{name}.npz"),
                      "error": str(folder / f"{name}.error")}
    for name, output in run_in_two_workers(folder, jobs, timeout=300).items():
        jobs[name]["output"] = output
    return jobs


def _ran(runs: dict, name: str) -> dict:
    if name not in runs:
        pytest.skip(f"real MNIST test set not found in {SHARED_MNIST}")
    job = runs[name]
    error = Path(job["error"])
    assert not error.exists(), f"{name} script failed:\n{error.read_text()}"
    assert Path(job["model"]).is_file(), f"{name}: no saved model\n{job['output']}"
    return job


def _layer_facts(model) -> list[tuple]:
    return [(layer.name, layer.units, layer.get_config()["activation"]) for layer in model.layers]


# --------------------------------------------------------------------------
# The runs
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(RUN_CONFIGS))
def test_exported_script_trains_and_saves_nnplays_model(runs, name):
    job = _ran(runs, name)
    config = RUN_CONFIGS[name]
    saved = keras.models.load_model(job["model"], compile=False)
    if config.dataset == "csv":
        data = np.load(job["data"])
        expected = build_model(config, inputs=data["x_train"].shape[1], outputs=3)
    else:
        expected = build_model(config)
    assert len(saved.layers) == len(expected.layers)
    assert _layer_facts(saved) == _layer_facts(expected)
    assert saved.count_params() == expected.count_params()
    if config.dataset != "csv":
        assert saved.count_params() == count_params(config)
    assert saved.input_shape == expected.input_shape


@pytest.mark.parametrize("name", [n for n, c in RUN_CONFIGS.items() if c.is_toy])
def test_exported_toy_data_equals_nnplays(runs, name):
    job = _ran(runs, name)
    data = np.load(job["data"])
    expected = data_loading.load_dataset(RUN_CONFIGS[name])
    for key in ("x_train", "y_train", "x_test", "y_test"):
        assert data[key].dtype == getattr(expected, key).dtype, key
        np.testing.assert_array_equal(data[key], getattr(expected, key), err_msg=key)


def test_exported_mnist_data_equals_nnplays(runs, mnist_npz, monkeypatch):
    job = _ran(runs, "mnist")
    data = np.load(job["data"])
    monkeypatch.setenv(mnist_data.MNIST_DIR_ENV, str(mnist_npz.parent))
    mnist_data.clear_mnist_cache()
    try:
        expected = data_loading.load_dataset(RUN_CONFIGS["mnist"])
    finally:
        mnist_data.clear_mnist_cache()
    assert data["x_train"].shape == (300, 784)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(data[key], getattr(expected, key), err_msg=key)


def test_exported_csv_data_equals_nnplays(runs):
    job = _ran(runs, "csv")
    data = np.load(job["data"])
    config = RUN_CONFIGS["csv"]
    expected = csv_upload.parse_csv(CSV_TEXT.encode(), config.task, config.csv_targets,
                                  train_fraction=config.train_fraction, seed=config.data_seed)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_allclose(data[key], getattr(expected, key), rtol=1e-6, err_msg=key)


def test_l2_regularizer_reaches_every_layer(runs):
    saved = keras.models.load_model(_ran(runs, "l2")["model"], compile=False)
    for layer in saved.layers:
        regularizer = layer.kernel_regularizer
        assert isinstance(regularizer, keras.regularizers.L2), layer.name
        assert regularizer.get_config()["l2"] == pytest.approx(0.01)
    script = Path(runs["l2"]["script"]).read_text()
    assert "keras.regularizers.L2(l2=0.01)" in script


def test_no_hidden_layers_is_logistic_regression(runs):
    saved = keras.models.load_model(_ran(runs, "no_hidden")["model"], compile=False)
    assert _layer_facts(saved) == [("output", 1, "linear")]
    assert saved.count_params() == 3


def test_full_batch_is_plain_gradient_descent(runs):
    _ran(runs, "full_batch")
    script = Path(runs["full_batch"]["script"]).read_text()
    assert "batch_size=len(x_train)" in script  # fit's form
    assert "batch_size=0,  # 0 = full batch: one step per epoch on all training examples" in script


# --------------------------------------------------------------------------
# The text: compiles for every task x dataset, readable, the right pieces
# --------------------------------------------------------------------------


def _all_configs() -> list[tuple[str, PlaygroundConfig]]:
    out = []
    for task in TASKS:
        for dataset in datasets_for(task):
            config = replace(default_config(task), dataset=dataset)
            if dataset == "csv":
                config = replace(config, csv_targets=("a", "b") if task == "multilabel" else ("target",))
            if dataset == "mnist":
                config = replace(config, n_samples=1000)
            validate(config)
            out.append((f"{task}-{dataset}", config))
    return out


ALL_CONFIGS = _all_configs()


MNIST_SOURCES = {
    "keras": mnist_data.OFFICIAL_MNIST,
    "idx": mnist_data.MnistSource("idx", "/data/mnist", ("test",), mnist_data.OFFICIAL_MNIST.test_digit_counts),
    "bundled": mnist_data.MnistSource("bundled", "/checkout/nnplay/data/mnist_fallback.npz", (), (500,) * 10),
}


# Every config, and the MNIST ones once per kind of source (each has its own loader).
COMPILE_CASES = [(f"{name}-{kind}" if config.dataset == "mnist" else name, config, kind)
                 for name, config in ALL_CONFIGS
                 for kind in (MNIST_SOURCES if config.dataset == "mnist" else ["keras"])]


@pytest.mark.parametrize("name,config,mnist_kind", COMPILE_CASES, ids=[case[0] for case in COMPILE_CASES])
def test_every_task_and_dataset_compiles(name, config, mnist_kind, tmp_path):
    script = to_keras_script(config, ExportOptions(mnist=MNIST_SOURCES[mnist_kind]))
    compile(script, f"{name}.py", "exec")
    path = tmp_path / f"{name}.py"
    path.write_text(script, encoding="utf-8")
    py_compile.compile(str(path), doraise=True)
    imported = set()
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    expected = {"numpy", "keras", "tensorflow"} | ({"pandas"} if config.dataset == "csv" else set())
    if config.dataset == "mnist":  # the loader: the standard library only
        expected |= {"os", "sys"} | {"idx": {"gzip", "struct"}}.get(mnist_kind, set())
    assert imported == expected, "the script imports only numpy, keras, tensorflow (and pandas, MNIST's loader)"
    assert all(len(line) <= 110 for line in script.splitlines() if not line.startswith(" ")), "long top-level line"


@pytest.mark.parametrize("name,config", ALL_CONFIGS, ids=[n for n, _ in ALL_CONFIGS])
def test_script_states_task_loss_and_seeds(name, config):
    script = to_keras_script(config)
    assert f"keras.losses.{config.rule.loss}(" in script
    assert ("from_logits=True" in script) == config.uses_logits
    sizes = len(config.hidden) + 1
    for index in range(sizes):
        assert f"glorot(seed={layer_seed(config, index)})" in script
    assert script.count("keras.layers.Dense(") == sizes
    # The course's explanation of the task, as comments.
    first_words = " ".join(config.rule.why.split()[:4])
    assert first_words in script


def test_default_script_reads_like_the_course():
    script = to_keras_script(PlaygroundConfig())
    lines = script.splitlines()
    assert lines[0].startswith('"""') and script.endswith("\n")
    assert "import numpy as np" in lines and "import tensorflow as tf" in lines and "import keras" in lines
    assert ('keras.layers.Dense(units=4, activation="tanh", kernel_initializer=glorot(seed=0), name="hidden_1"),'
            in script)
    assert "keras.Input(shape=(2,))" in script
    assert "optimizer = keras.optimizers.SGD(learning_rate=0.03, momentum=0.0, nesterov=False)" in lines
    assert "loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)" in lines
    assert "keras.metrics.BinaryAccuracy(threshold=0.0" in script
    # The course's compile/fit, behind a switch, next to nnplay's own loop.
    assert "USE_KERAS_FIT = False" in lines and "EPOCHS = 100" in lines
    fit = next(node for node in ast.walk(ast.parse(script))
               if isinstance(node, ast.Call) and ast.unparse(node.func) == "model.fit")
    assert ast.unparse(fit) == ("model.fit(x_train, y_train, batch_size=10, epochs=EPOCHS, "
                                "validation_data=(x_test, y_test), verbose=2)")
    assert "def make_epoch_function(" in script and "run_epoch = make_epoch_function(" in script
    assert "fit shuffles the batches its own way" in script
    assert """print(f"final test loss: {history['val_loss'][-1]!r}")""" in lines
    assert "probabilities = tf.nn.sigmoid(model(x_test)).numpy()" in script
    assert "def make_circle(n, noise, rng):" in script and "def split_indices(" in script
    assert "model.save(" not in script


def test_multiclass_logits_get_softmax_and_probability_outputs_do_not():
    logits = to_keras_script(default_config("multiclass"))
    assert "probabilities = tf.nn.softmax(model(x_test)).numpy()" in logits
    assert "SparseCategoricalCrossentropy(from_logits=True)" in logits
    plain = to_keras_script(replace(default_config("multiclass"), from_logits=False))
    assert "tf.nn.softmax" not in plain
    assert 'activation="softmax"' in plain and "SparseCategoricalCrossentropy()" in plain
    regression = to_keras_script(default_config("regression"))
    assert "tf.nn" not in regression and '"mae"' in regression


def test_model_part_builds_nnplays_initial_weights():
    """Exec just the model lines of the script: the same initial weights as build_model."""
    for config in (PlaygroundConfig(), RUN_CONFIGS["l2"], RUN_CONFIGS["regression_nonneg"], RUN_CONFIGS["no_hidden"]):
        script = to_keras_script(config)
        start = script.index("glorot = keras.initializers.GlorotUniform")
        end = script.index('], name="nnplay")') + len('], name="nnplay")')
        namespace = {"keras": keras}
        exec(script[start:end], namespace)
        ours, theirs = namespace["model"], build_model(config)
        assert len(ours.weights) == len(theirs.weights)
        for a, b in zip(ours.weights, theirs.weights):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_options():
    config = PlaygroundConfig()
    assert "EPOCHS = 3\n" in to_keras_script(config, {"epochs": 3})
    script = to_keras_script(config, ExportOptions(save_model_path="out/model.keras"))
    assert script.rstrip().endswith('model.save("out/model.keras")')
    with pytest.raises(ValueError):
        to_keras_script(config, {"save_model_path": "model.txt"})
    with pytest.raises(ValueError):
        to_keras_script(config, {"no_such_option": 1})
    with pytest.raises(ValueError):
        to_keras_script(config, {"strategy": "tpu"})


def test_csv_names_cannot_escape_their_string():
    nasty = 'x")\nimport os  # "'
    config = replace(default_config("regression"), dataset="csv", csv_targets=(nasty,))
    script = to_keras_script(config, {"csv_path": "my \"data\".csv"})
    tree = ast.parse(script)
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert nasty in strings and 'my "data".csv' in strings
    assert not any(isinstance(node, ast.Import) and node.names[0].name == "os" for node in ast.walk(tree))


def test_csv_shapes_come_from_the_data_unless_known():
    config = replace(default_config("multiclass"), dataset="csv", csv_targets=("y",))
    script = to_keras_script(config)
    assert "keras.Input(shape=(len(features),))" in script and "units=len(class_names)" in script
    known = to_keras_script(config, {"n_inputs": 4, "n_outputs": 3})
    assert "keras.Input(shape=(4,))" in known and "units=3, " in known
    labels = to_keras_script(replace(default_config("multilabel"), dataset="csv", csv_targets=("a", "b", "c")))
    assert 'units=3, activation="sigmoid"' in labels


def test_codegen_imports_no_tensorflow():
    code = ("import sys, nnplay.export.keras_script; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'streamlit') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------
# Export with a tf.distribute strategy
# --------------------------------------------------------------------------

STRATEGY_RUNNER = textwrap.dedent(
    """
    import json, runpy, sys
    import numpy as np
    namespace = runpy.run_path(sys.argv[1], run_name="__main__")
    model, strategy = namespace["model"], namespace["strategy"]
    print("RESULT " + json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "devices": list(strategy.extended.worker_devices),
        "losses": namespace["history"].history["loss"],
        "batch_size": namespace.get("batch_size"),
        "variable_types": sorted({type(v.value).__name__ for v in model.weights}),
        "optimizer_variable_types": sorted({type(v.value).__name__ for v in model.optimizer.variables}),
    }))
    """
)
STRATEGY_CONFIG = replace(with_optimizer(PlaygroundConfig(), "adam"), n_samples=200, learning_rate=0.05,
                          hidden=(HiddenLayer(8, "tanh"),), batch_size=10)


def _run_strategy_script(tmp_path: Path, config: PlaygroundConfig, strategy: str, env: dict) -> tuple[dict, str]:
    model_path = tmp_path / "model.keras"
    script = tmp_path / "exported.py"
    script.write_text(to_keras_script(config, ExportOptions(epochs=6, strategy=strategy,
                                                            save_model_path=str(model_path))), encoding="utf-8")
    (tmp_path / "runner.py").write_text(STRATEGY_RUNNER)
    result = subprocess.run([sys.executable, str(tmp_path / "runner.py"), str(script)], capture_output=True,
                            text=True, cwd=tmp_path, timeout=600,
                            env={**{k: v for k, v in os.environ.items() if k != "TF_CONFIG"},
                                 "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONIOENCODING": "utf-8", **env})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, output[-4000:]
    assert model_path.is_file()
    return json.loads(lines[-1][len("RESULT "):]), result.stdout


def test_mirrored_export_trains_on_two_cpu_replicas(tmp_path):
    """The exported MirroredStrategy script, on this CPU split in two logical devices: a real
    two-replica run whose variables are mirrored, with the global batch scaled to 2 x 10."""
    facts, stdout = _run_strategy_script(tmp_path, STRATEGY_CONFIG, "mirrored", {CPU_REPLICAS_ENV: "2"})
    assert facts["replicas"] == 2 and len(facts["devices"]) == 2, facts
    assert "MirroredStrategy: 2 replica(s) in sync" in stdout
    assert facts["batch_size"] == 2 * STRATEGY_CONFIG.batch_size
    assert all("Mirrored" in name for name in facts["variable_types"]), facts
    assert all("Mirrored" in name for name in facts["optimizer_variable_types"]), facts
    losses = facts["losses"]
    assert len(losses) == 6 and all(np.isfinite(losses))
    assert losses[-1] < 0.9 * losses[0], losses  # it learns
    saved = keras.models.load_model(tmp_path / "model.keras", compile=False)
    assert _layer_facts(saved) == _layer_facts(build_model(STRATEGY_CONFIG))


def test_multiworker_export_runs_as_a_single_worker_without_tf_config(tmp_path):
    facts, stdout = _run_strategy_script(tmp_path, STRATEGY_CONFIG, "multiworker", {})
    assert facts["replicas"] == 1
    assert "MultiWorkerMirroredStrategy: 1 replica(s) in sync" in stdout
    assert facts["losses"][-1] < facts["losses"][0]


def _free_ports(count: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def test_multiworker_export_trains_with_two_workers(tmp_path):
    """Two processes on this machine, each told its place by TF_CONFIG, train one model together:
    both see 2 replicas and the same losses; only the chief (worker 0) saves the model."""
    script = tmp_path / "exported.py"
    script.write_text(to_keras_script(STRATEGY_CONFIG, ExportOptions(epochs=4, strategy="multiworker",
                                                                     save_model_path="model.keras")),
                      encoding="utf-8")
    (tmp_path / "runner.py").write_text(STRATEGY_RUNNER)
    cluster = {"worker": [f"localhost:{port}" for port in _free_ports(2)]}
    base_env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    workers = []
    for index in range(2):
        folder = tmp_path / f"worker{index}"
        folder.mkdir()
        tf_config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
        env = {**base_env, "TF_CONFIG": tf_config, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONIOENCODING": "utf-8"}
        workers.append((folder, subprocess.Popen([sys.executable, str(tmp_path / "runner.py"), str(script)],
                                                 cwd=folder, env=env, stdout=subprocess.PIPE,
                                                 stderr=subprocess.STDOUT, text=True)))
    facts = []
    try:
        for _folder, process in workers:
            output, _ = process.communicate(timeout=600)
            assert process.returncode == 0, output[-4000:]
            assert f"2 replica(s) in sync, task worker {len(facts)}" in output, output[-2000:]
            facts.append(json.loads(next(line for line in output.splitlines()
                                         if line.startswith("RESULT "))[len("RESULT "):]))
    finally:
        for _, process in workers:
            process.kill()
    assert [f["replicas"] for f in facts] == [2, 2]
    assert facts[0]["batch_size"] == 2 * STRATEGY_CONFIG.batch_size
    np.testing.assert_allclose(facts[0]["losses"], facts[1]["losses"], rtol=1e-5)  # one model, in sync
    assert facts[0]["losses"][-1] < facts[0]["losses"][0]
    assert (tmp_path / "worker0" / "model.keras").is_file()
    assert not (tmp_path / "worker1" / "model.keras").exists()


def _scope_body(script: str) -> list[str]:
    """Source of the statements inside `with strategy.scope():`."""
    tree = ast.parse(script)
    blocks = [node for node in ast.walk(tree) if isinstance(node, ast.With)
              and ast.unparse(node.items[0].context_expr) == "strategy.scope()"]
    assert len(blocks) == 1, "expected exactly one strategy.scope() block"
    return [ast.unparse(statement) for statement in blocks[0].body]


@pytest.mark.parametrize("strategy", list(STRATEGIES))
@pytest.mark.parametrize("name", ["binary", "multiclass", "full_batch", "mnist", "csv", "l2"])
def test_strategy_scripts_build_and_compile_inside_the_scope(strategy, name, tmp_path):
    config = RUN_CONFIGS[name]
    script = to_keras_script(config, {"strategy": strategy})
    path = tmp_path / "exported.py"
    path.write_text(script, encoding="utf-8")
    py_compile.compile(str(path), doraise=True)
    body = " ".join(_scope_body(script))
    assert "keras.Sequential(" in body and "model.compile(" in body and "keras.optimizers." in body
    tree = ast.parse(script)
    # The strategy comes first: before the seed, the data and the model.
    order = [ast.unparse(node) for node in tree.body if not isinstance(node, (ast.Expr, ast.Import))]
    assert order[0].startswith(("cpu_replicas =", "strategy ="))
    fit = next(node for node in ast.walk(tree) if isinstance(node, ast.Call) and ast.unparse(node.func) == "model.fit")
    batch = next(ast.unparse(k.value) for k in fit.keywords if k.arg == "batch_size")
    if config.batch_size == 0:  # full batch: already global, not scaled
        assert batch == "len(x_train)"
    else:
        assert batch == "batch_size"
        assert f"batch_size = {config.batch_size} * strategy.num_replicas_in_sync" in script


def test_multiworker_script_explains_tf_config_and_saves_on_the_chief_only():
    script = to_keras_script(PlaygroundConfig(), {"strategy": "multiworker", "save_model_path": "m.keras"})
    docstring = ast.get_docstring(ast.parse(script))
    assert "TF_CONFIG" in docstring and '"cluster"' in docstring and '"task"' in docstring
    assert "chief" in docstring
    assert "tf.distribute.MultiWorkerMirroredStrategy()" in script
    assert 'if is_chief:\n    model.save("m.keras")' in script


def test_plain_script_has_no_strategy():
    plain = to_keras_script(PlaygroundConfig())
    assert "strategy" not in plain and "import os" not in plain
    assert to_keras_script(PlaygroundConfig(), {"strategy": None}) == plain
