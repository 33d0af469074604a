"""The Playground's Keras-code tab offers the export with a tf.distribute strategy."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "1_Playground.py")


def exported_script(at: AppTest) -> str:
    return next(c.value for c in at.code if c.value.startswith('"""'))


def test_run_it_with_a_strategy_changes_the_exported_script():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    choice = at.selectbox(key="export_strategy")
    assert choice.label == "Run it with"
    assert choice.options == [
        "plain (one device)", "MirroredStrategy (multi-GPU)", "MultiWorkerMirroredStrategy"]
    assert "strategy" not in exported_script(at)

    choice.set_value("mirrored").run()
    script = exported_script(at)
    assert "tf.distribute.MirroredStrategy(" in script and "with strategy.scope():" in script

    at.selectbox(key="export_strategy").set_value("multiworker").run()
    script = exported_script(at)
    assert "tf.distribute.MultiWorkerMirroredStrategy()" in script and "TF_CONFIG" in script
    assert not at.exception
