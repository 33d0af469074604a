"""One record per thing: a toy dataset and an optimizer registered in the catalog, and nothing else
edited, appear everywhere the app offers datasets and optimizers — a link that round-trips, the
exported Keras script (which runs and reproduces the page's curve), the optimizer race and the cost
surfaces (the pages' controls: tests/app/test_catalog_in_controls.py) — and the tables derived from
the catalog agree with its records.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from nnplay.config import catalog
from nnplay.config.catalog import (
    DATASETS,
    OPTIMIZERS,
    TASKS,
    DatasetRecord,
    Optimizer,
    OptimizerVariant,
)
from nnplay.config.links import decode, encode, normalize
from nnplay.config.schema import (
    PlaygroundConfig,
    default_config,
    validate,
    with_optimizer,
)
from nnplay.data.load import load_dataset
from nnplay.engine.training import Trainer
from nnplay.export.keras_script import ExportOptions, to_keras_script
from nnplay.labs.optimizer.race import Race
from nnplay.labs.optimizer.surfaces import SURFACES
from nnplay.labs.optimizer.trajectories import (
    keras_code,
    run_optimizer,
    stability_limit,
)


def make_stripes(n, noise, rng):
    """Vertical stripes: class 1 where sin(x1) > 0. Standalone (numpy only), as generators must be."""
    points = rng.uniform(-6.0, 6.0, size=(n, 2))
    y = (np.sin(points[:, 0]) > 0).astype(np.int64)
    flipped = rng.uniform(size=n) < noise / 2
    return points, np.where(flipped, 1 - y, y)


# The two records a newcomer would add (tests/app/test_catalog_in_controls.py uses them too).
STRIPES = DatasetRecord("stripes", "Stripes", ("binary",), make_stripes)
LION = Optimizer("lion", "Lion", "Lion", ("beta_1", "beta_2"), (1e-4, 1e-2), 1e-3, (
    OptimizerVariant("lion", "Lion", "#e91e63", race_lr=0.003),
), adaptive=True)
SETUP = replace(with_optimizer(PlaygroundConfig(), "sgd"), n_samples=120, epochs=3)


@pytest.fixture
def extended_catalog():
    with catalog.registered(STRIPES, LION):
        yield


def test_a_link_with_them_round_trips(extended_catalog):
    config = replace(with_optimizer(SETUP, "lion"), dataset="stripes", beta_1=0.95)
    validate(config)
    assert decode(encode(config)) == (normalize(config), [])
    assert catalog.datasets_for("binary")[:6] == ("circle", "xor", "gauss", "spiral", "moons", "stripes")


def test_the_exported_script_runs_and_gives_the_pages_curve(extended_catalog, tmp_path):
    config = replace(with_optimizer(SETUP, "lion"), dataset="stripes", learning_rate=0.003)
    script = to_keras_script(config, ExportOptions(epochs=3))
    assert "def make_stripes(" in script and "keras.optimizers.Lion(" in script
    path = tmp_path / "exported.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    printed = float(re.search(r"^final test loss: (\S+)$", done.stdout, re.MULTILINE).group(1))
    trainer = Trainer(config, load_dataset(config))
    trainer.run_to_end()
    assert printed == trainer.history.test_loss[-1]


def test_the_race_and_the_cost_surfaces_run_it(extended_catalog):
    from nnplay.figures import optimizer_lab

    base = replace(SETUP, dataset="stripes", epochs=2)
    lanes = Race(base, [("lion", None), ("adam", None)], load_dataset(base)).run_to_end()
    assert [lane.label for lane in lanes] == ["Lion", "Adam"] and len(lanes[0].train_loss) == 2
    assert lanes[0].config.optimizer == "lion" and lanes[0].config.learning_rate == 0.003
    figure = optimizer_lab.race_figure(lanes, 0.5)
    assert next(t for t in figure.data if t.name.startswith("Lion")).line.color == "#e91e63"

    bowl = SURFACES["bowl"]
    path = run_optimizer(bowl, "lion", bowl.default_start, 0.1, 20)
    assert path.label == "Lion" and path.steps == 20 and path.final_cost < path.costs[0]
    assert stability_limit(bowl, "lion") is None  # an adaptive optimizer has no fixed speed limit
    assert "optimizer = keras.optimizers.Lion(learning_rate=lr)" in keras_code(bowl, "lion", (1, 1), 0.1, 5)
    drawn = [t for t in optimizer_lab.contour_figure(bowl, [path]).data if t.name == "Lion"]
    assert drawn and drawn[0].line.color == "#e91e63"
    assert "lion" in catalog.surface_variants() and "lion" in catalog.race_variants()


def test_unregistering_leaves_the_catalog_as_it_was():
    before = (dict(DATASETS), dict(OPTIMIZERS), dict(catalog.VARIANTS))
    with catalog.registered(STRIPES, LION):
        assert "stripes" in DATASETS and "lion" in OPTIMIZERS and "lion" in catalog.VARIANTS
    assert (dict(DATASETS), dict(OPTIMIZERS), dict(catalog.VARIANTS)) == before


# ------------------------------------------------------------------ the derived tables agree with the records
@pytest.mark.parametrize("task", list(TASKS))
def test_every_task_offers_its_toy_datasets_first_and_each_fits_it(task):
    offered = catalog.datasets_for(task)
    toy = [d for d in offered if catalog.is_toy(d)]
    assert offered[: len(toy)] == tuple(toy) and offered[0] == default_config(task).dataset
    for name in offered:
        config = replace(default_config(task), dataset=name, n_samples=100, csv_targets=())
        validate(config)
        if catalog.is_toy(name):
            data = load_dataset(config)
            assert data.y_train.dtype == np.dtype(TASKS[task].label_dtype)
            assert len(data.class_names) == (0 if TASKS[task].is_regression else
                                             2 if task == "binary" else config.n_classes)


def test_the_advice_warns_exactly_for_the_datasets_no_line_separates():
    from nnplay.config.advice import advice

    for key, record in DATASETS.items():
        if not record.is_toy:
            continue
        config = replace(default_config(record.tasks[0]), dataset=key, hidden=())
        warned = any(item.field == "hidden" and "straight line" in item.message for item in advice(config))
        assert warned == (not record.linearly_separable), key


def test_tf_playground_names_map_to_the_records_that_claim_them():
    from nnplay.config.tf_playground import from_tf_playground

    for key, record in DATASETS.items():
        if record.tf_playground:
            field = "regDataset" if TASKS[record.tasks[0]].is_regression else "dataset"
            problem = "regression" if field == "regDataset" else "classification"
            config, _ = from_tf_playground(f"https://playground.tensorflow.org/#problem={problem}&{field}="
                                           f"{record.tf_playground}")
            assert config.dataset == key


def test_a_record_never_replaces_another():
    with pytest.raises(ValueError, match="'circle'"):
        catalog.register(replace(STRIPES, key="circle"))
    with pytest.raises(ValueError, match="'momentum'"):  # a variant's key is taken too
        catalog.register(replace(LION, variants=(replace(LION.variants[0], key="momentum"),)))
    assert DATASETS["circle"].generator.__name__ == "make_circle" and "lion" not in OPTIMIZERS


@pytest.mark.parametrize("task", list(TASKS))
def test_the_final_metrics_of_a_trained_model_are_its_tasks_record(task):
    from nnplay.engine.metrics import evaluate

    config = replace(default_config(task), n_samples=60)
    data = load_dataset(config)
    outputs = max(1, data.n_classes) if task in ("multiclass", "multilabel") else 1
    probabilities = np.full((data.n_test, outputs), 1.0 / outputs)
    evaluation = evaluate(config, probabilities, data.y_test, data.class_names)
    assert tuple(evaluation.headline) == TASKS[task].final_metrics
