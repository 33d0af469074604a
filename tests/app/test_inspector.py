"""The Softmax Inspector under AppTest: trains its models in place and inspects them."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnplay.ui.inspector import IN_PLACE
from tests.app.playground import wait_for_the_run
from tests.conftest import SHARED_MNIST

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "2_Softmax_Inspector.py")
MNIST_CHOICE, MULTILABEL_CHOICE = list(IN_PLACE)


@pytest.fixture
def real_mnist(monkeypatch):
    if not SHARED_MNIST.is_dir():
        pytest.skip(f"real MNIST test set not found at {SHARED_MNIST}")
    from nnplay.data.mnist import clear_mnist_cache

    monkeypatch.setenv("NNPLAY_MNIST_DIR", str(SHARED_MNIST))
    clear_mnist_cache()
    yield
    clear_mnist_cache()


def chart_titles(at) -> list[str]:
    """Titles of the plotly charts on the page (AppTest exposes them as unknown elements with a spec)."""
    titles = []
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        titles.append(spec.get("layout", {}).get("title", {}).get("text", ""))
    return titles


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_without_a_model_it_offers_both_in_place_models():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert any("25 ReLU" in m.value for m in at.markdown)
    assert at.radio(key="inspector_source").options == list(IN_PLACE)
    at.radio(key="inspector_source").set_value(MULTILABEL_CHOICE).run()
    assert button(at, "Train the multi-label toy model")


def test_trains_the_course_model_and_shows_probabilities(real_mnist):
    at = AppTest.from_file(PAGE, default_timeout=240).run()
    wait_for_the_run(button(at, "Train the course's MNIST model").click().run())
    assert not at.exception, at.exception
    accuracy = float(next(m for m in at.metric if m.label == "Test accuracy").value)
    assert accuracy > 0.8
    trainer = at.session_state["inspector_trainers"][MNIST_CHOICE]
    assert [layer.units for layer in trainer.model.layers] == [25, 15, 10]
    # The probabilities chart's title states their sum: 1.
    assert any(t.startswith("softmax probabilities — sum = 1.0000") for t in chart_titles(at))
    at.number_input(key="inspector_index").set_value(5).run()
    assert not at.exception
    # The canvas is there, waiting for a drawing.
    assert any("Draw a digit in the box" in i.value for i in at.info)
    # Scaling the logits by 1000 breaks the naive computation, never the stable one.
    next(s for s in at.select_slider if s.label.startswith("Scale the logits")).set_value(1000).run()
    assert not at.exception
    assert any(e.value.startswith("The naive way broke and gave **") and "overflows float32" in e.value
               for e in at.error)


def test_multilabel_model_sigmoids_threshold_and_picking_a_point():
    at = AppTest.from_file(PAGE, default_timeout=240).run()
    at.radio(key="inspector_source").set_value(MULTILABEL_CHOICE).run()
    wait_for_the_run(button(at, "Train the multi-label toy model").click().run())
    assert not at.exception, at.exception
    titles = chart_titles(at)
    assert any(t.startswith("3 sigmoids — sum = ") for t in titles)
    assert any(t == "softmax of the same logits — sum = 1.000" for t in titles)

    # Picking by coordinates snaps to the nearest test point.
    trainer = at.session_state["inspector_trainers"][MULTILABEL_CHOICE]
    points = trainer.data.points_test
    at.number_input(key="inspector_x1").set_value(2.0).run()
    at.number_input(key="inspector_x2").set_value(-3.0).run()
    expected = int(np.argmin(np.hypot(points[:, 0] - 2.0, points[:, 1] + 3.0)))
    assert at.number_input(key="inspector_index").value == expected
    assert any(f"point ({points[expected, 0]:.2f}, {points[expected, 1]:.2f})" in m.value for m in at.markdown)

    # A lower threshold says yes more often: recall can only rise, precision shows the cost.
    def recall():
        return float(next(m for m in at.metric if m.label == "recall").value)

    at_half = recall()
    at.select_slider(key="inspector_threshold").set_value(0.1).run()
    assert not at.exception
    assert recall() >= at_half
    assert at.dataframe[0].value.shape[0] == 3  # one row per label


def test_inspects_the_playground_binary_model():
    from dataclasses import replace

    from nnplay.config.schema import HiddenLayer, default_config
    from nnplay.data.load import load_dataset
    from nnplay.engine.training import Trainer
    from nnplay.ui.inspector import PLAYGROUND

    config = replace(default_config("binary"), dataset="circle", hidden=(HiddenLayer(6, "relu"),),
                     optimizer="adam", learning_rate=0.03, epochs=30, n_samples=200)
    trainer = Trainer(config, load_dataset(config))
    trainer.run_to_end()
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["trainer"] = trainer  # what the Playground page leaves in the session
    at.run()
    assert not at.exception, at.exception
    assert at.radio(key="inspector_source").value == PLAYGROUND
    titles = chart_titles(at)
    # One sigmoid output, read as a two-class softmax over (0, z).
    assert any(t.startswith("sigmoid: P(1) = σ(z)") for t in titles)
    assert any(t.startswith("softmax over logits (0, z)") for t in titles)
    assert any(h.value == "Confusion matrix" for h in at.header)
    # Choosing a confusion cell lists its examples.
    at.selectbox(key="inspector_true").set_value(1).run()
    at.selectbox(key="inspector_predicted").set_value(1).run()
    assert any(c.value.endswith("are 1 predicted as 1.") for c in at.caption)


# ------------------------------------------------------------------ issue 10: what the page says
def _toy_trainer(task: str, **changes):
    from dataclasses import replace

    from nnplay.config.schema import HiddenLayer, default_config
    from nnplay.data.load import load_dataset
    from nnplay.engine.training import Trainer

    config = replace(default_config(task), hidden=(HiddenLayer(8, "relu"),), optimizer="adam", learning_rate=0.03,
                     epochs=15, n_samples=200, **changes)
    trainer = Trainer(config, load_dataset(config))
    trainer.run_to_end()
    return trainer


def _inspect(trainer) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["trainer"] = trainer  # what the Playground page leaves in the session
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_intro_formula_is_maths_and_a_broken_loss_says_inf_or_nan_never_none():
    at = _inspect(_toy_trainer("multiclass"))
    intro = at.markdown[0].value
    assert r"$a_j = e^{z_j} / \sum_k e^{z_k}$" in intro and "Σ" not in intro
    assert any(r"Loss $-\log a_y$ = **" in m.value for m in at.markdown)

    scale = next(s for s in at.select_slider if s.label.startswith("Scale the logits"))
    scale.set_value(1000).run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "way" in d.value.columns)
    naive, stable = table["loss = −log(a of the true class)"]
    assert naive in ("inf", "NaN"), naive  # the value that really came out, as text
    assert float(stable) >= 0
    error = next(e.value for e in at.error if e.value.startswith("The naive way broke"))
    assert f"gave **{naive}**" in error
    assert "None" not in " ".join(str(v) for v in table.to_numpy().ravel())


HOSTILE_NAMES = ["[x](https://evil.example)", "www.evil.example", '<a href="https://evil.example">a</a>',
                 "![p](https://evil.example/p.png)", r"$\alpha$", ":red[boom] https://evil.example/x"]


def hostile_csv(task: str) -> bytes:
    """120 rows in 6 clusters. Multiclass: the label column holds the hostile names; multi-label:
    hostile names head the target columns. The feature columns have hostile names too."""
    import csv
    import io

    rng = np.random.default_rng(0)
    out = io.StringIO()
    writer = csv.writer(out)
    features = ["[f](https://evil.example)", "www.evil.example/f"]
    targets = ["label"] if task == "multiclass" else HOSTILE_NAMES[:3]
    writer.writerow(features + targets)
    for i in range(120):
        k = i % len(HOSTILE_NAMES)
        x = 3 * np.array([np.cos(k), np.sin(k)]) + rng.normal(0, 0.3, 2)
        labels = [HOSTILE_NAMES[k]] if task == "multiclass" else [int(k % 2 == 0), int(k % 3 == 0), int(k < 3)]
        writer.writerow([f"{x[0]:.3f}", f"{x[1]:.3f}"] + labels)
    return out.getvalue().encode()


def hostile_trainer(task: str):
    from dataclasses import replace

    from nnplay.config.schema import HiddenLayer, default_config
    from nnplay.data.csv_upload import parse_csv
    from nnplay.engine.training import Trainer

    targets = ("label",) if task == "multiclass" else tuple(HOSTILE_NAMES[:3])
    config = replace(default_config(task), dataset="csv", csv_targets=targets, features=("x1", "x2"),
                     hidden=(HiddenLayer(8, "relu"),), optimizer="adam", learning_rate=0.03, epochs=20)
    data = parse_csv(hostile_csv(task), task, targets, train_fraction=config.train_fraction, seed=config.data_seed)
    trainer = Trainer(config, data)
    trainer.run_to_end()
    return trainer


def markdown_texts(at) -> list[str]:
    """Every element Streamlit renders as markdown, with its source text."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")
    return [element.value for kind in kinds for element in getattr(at, kind)]


def assert_names_only_literal(at, names) -> None:
    """A hostile name may reach markdown only as md_literal's code span, and a figure only escaped."""
    from nnplay.ui.text import md_literal

    for text in markdown_texts(at):
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(md_literal(name), "")
        assert "evil" not in text and r"\alpha" not in text and ":red[boom]" not in text, text
    for element in at.get("plotly_chart"):
        for text in strings_in(json.loads(element.proto.spec)):
            if "evil" in text or "alpha" in text:  # a hostile name: its tags and $ as entities
                assert "<a" not in text and "$" not in text, text


def strings_in(value):
    """Every string in a figure's JSON (axis categories, trace names, titles, hover texts)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def test_hostile_csv_class_names_are_shown_as_text_never_as_markdown_html_or_links():
    """Issue 10: a CSV class label `[x](https://evil.example)` became a link on the Inspector."""
    trainer = hostile_trainer("multiclass")
    assert sorted(trainer.data.class_names) == sorted(HOSTILE_NAMES)
    at = _inspect(trainer)
    assert_names_only_literal(at, HOSTILE_NAMES)
    # The names really are on the page, as code spans: the true and predicted class, the gallery, the cell.
    shown = " ".join(markdown_texts(at))
    assert "` [x](https://evil.example) `" in shown or "` www.evil.example `" in shown
    # The one example's CSV row is a table whose headers are the file's column names (plain text).
    row = at.dataframe[0].value
    assert list(row["feature"]) == ["[f](https://evil.example)", "www.evil.example/f"]
    # Choosing a confusion cell names both classes, literally.
    at.selectbox(key="inspector_true").set_value(2).run()
    at.selectbox(key="inspector_predicted").set_value(3).run()
    assert not at.exception, at.exception
    assert_names_only_literal(at, HOSTILE_NAMES)
    at.toggle[0].set_value(True).run()  # mistakes only
    assert_names_only_literal(at, HOSTILE_NAMES)


def test_hostile_csv_label_columns_of_a_multilabel_model_are_shown_as_text():
    trainer = hostile_trainer("multilabel")
    at = _inspect(trainer)
    assert_names_only_literal(at, HOSTILE_NAMES[:3])
    at.select_slider(key="inspector_threshold").set_value(0.05).run()  # says yes to every label
    assert not at.exception, at.exception
    decided = next(m.value for m in at.markdown if m.value.startswith("This example at 0.05"))
    assert "` [x](https://evil.example) `" in decided
    assert_names_only_literal(at, HOSTILE_NAMES[:3])


def test_after_a_reload_a_saved_model_loads_into_the_inspector():
    """A reload forgets the Playground's model; the Inspector says so and takes the .keras file back."""
    from dataclasses import replace

    from nnplay.config.schema import PlaygroundConfig
    from nnplay.data.load import load_dataset
    from nnplay.engine.model import to_keras_bytes
    from nnplay.engine.training import Trainer

    config = replace(PlaygroundConfig(), epochs=10)
    trained = Trainer(config, load_dataset(config))
    trained.run_to_end()
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert any("a reload forgets trained models" in i.value for i in at.info)
    uploader = next(u for u in at.file_uploader if u.label == "Load a trained model (.keras)")
    uploader.set_value(("nnplay_model.keras", to_keras_bytes(trained.model), "application/octet-stream")).run()
    assert not at.exception, at.exception
    inspected = at.session_state["trainer"]
    assert at.radio(key="inspector_source").value == "The model trained on the Playground"
    assert np.array_equal(inspected.raw_outputs(inspected.data.x_test), trained.raw_outputs(trained.data.x_test))


def test_a_playground_model_still_training_is_paused_before_it_is_inspected():
    from nnplay.engine.live import LiveRun

    trainer = _toy_trainer("binary")
    live = LiveRun(trainer, 100_000, pace=20.0).start()  # what the Playground leaves while a run plays
    try:
        at = AppTest.from_file(PAGE, default_timeout=120)
        at.session_state["trainer"] = trainer
        at.session_state["live"] = live
        at.run()
        assert not at.exception, at.exception
        assert any("still training" in i.value for i in at.info)
        assert not any(h.value == "Confusion matrix" for h in at.header)  # nothing inspected yet
        button(at, "Pause the Playground's run").click().run()
        assert live.paused and not at.exception, at.exception
        assert any(h.value == "Confusion matrix" for h in at.header)
    finally:
        live.stop()
