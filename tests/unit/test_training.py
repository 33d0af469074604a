"""The trainer: learns, is reproducible, continues, stops, and survives divergence."""

import threading
from dataclasses import replace

import numpy as np
import pytest

from nnplay.config.catalog import TASKS
from nnplay.config.schema import HiddenLayer, PlaygroundConfig, default_config
from nnplay.data.load import load_dataset
from nnplay.engine.metrics import evaluate
from nnplay.engine.model import to_probabilities
from nnplay.engine.training import Trainer

SMALL = dict(n_samples=200, epochs=5)


def trainer_for(config):
    return Trainer(config, load_dataset(config))


def test_learns_the_circle():
    trainer = trainer_for(replace(PlaygroundConfig(), epochs=150))
    result = trainer.run_to_end()
    assert result.status == "finished" and result.epochs_run == 150
    assert trainer.history.test_metrics["accuracy"][-1] > 0.9
    assert trainer.history.train_loss[-1] < trainer.history.train_loss[0] / 2


def test_snapshots_report_progress():
    trainer = trainer_for(replace(PlaygroundConfig(), **SMALL))
    snapshots = list(trainer.run(40))
    assert snapshots[-1].epoch == 40 and snapshots[-1].fraction_done == 1.0
    assert [s.epoch for s in snapshots] == sorted({s.epoch for s in snapshots})
    assert all(s.elapsed >= 0 and np.isfinite(s.test_loss) for s in snapshots)
    assert set(snapshots[-1].test_metrics) == {"accuracy"}
    assert len(trainer.history) == 40 and trainer.history.epoch == list(range(1, 41))


@pytest.mark.parametrize("task", list(TASKS))
def test_every_task_trains(task):
    config = replace(default_config(task), **SMALL)
    trainer = trainer_for(config)
    assert trainer.run_to_end().status == "finished"
    assert set(trainer.history.test_metrics) == set(TASKS[task].epoch_metrics)
    assert all(np.isfinite(trainer.history.train_loss))


def test_same_config_same_curve():
    config = replace(PlaygroundConfig(), **SMALL)
    first, second = trainer_for(config), trainer_for(config)
    first.run_to_end(30)
    second.run_to_end(30)
    assert first.history.train_loss == second.history.train_loss
    assert first.history.test_loss == second.history.test_loss
    other = trainer_for(replace(config, seed=1))
    other.run_to_end(30)
    assert other.history.train_loss != first.history.train_loss


def test_same_curve_while_other_sessions_train_at_the_same_time():
    config = replace(PlaygroundConfig(), **SMALL)
    alone = trainer_for(config)
    alone.run_to_end(30)
    noisy = replace(config, seed=99, learning_rate=0.1)
    trainers = [trainer_for(config), trainer_for(config), trainer_for(noisy)]
    threads = [threading.Thread(target=t.run_to_end, args=(30,)) for t in trainers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert trainers[0].history.train_loss == alone.history.train_loss
    assert trainers[1].history.train_loss == alone.history.train_loss


def test_continue_equals_one_long_run():
    config = replace(PlaygroundConfig(), **SMALL)
    split = trainer_for(config)
    split.run_to_end(20)
    split.run_to_end(1)  # one step
    split.run_to_end(19)
    straight = trainer_for(config)
    straight.run_to_end(40)
    assert split.epoch == 40
    assert split.history.train_loss == straight.history.train_loss


def test_stop_keeps_weights_and_history():
    trainer = trainer_for(replace(PlaygroundConfig(), **SMALL))
    for snapshot in trainer.run(500):  # noqa: B007 (the first snapshot is kept on purpose)
        break  # the caller stops at the first snapshot
    assert trainer.epoch == snapshot.epoch == len(trainer.history) < 500
    assert trainer.last_result.status == "stopped"
    assert trainer.last_result.epochs_run == snapshot.epoch and trainer.last_result.seconds > 0
    weights = [w.copy() for w in trainer.model.get_weights()]
    assert all(np.isfinite(w).all() for w in weights)
    trainer.run_to_end(3)  # and it can go on from there
    assert trainer.epoch == snapshot.epoch + 3


def test_full_batch_is_one_step_per_epoch():
    trainer = trainer_for(replace(PlaygroundConfig(), batch_size=0, **SMALL))
    trainer.run_to_end(7)
    assert int(trainer.optimizer.iterations) == 7


def test_batches_per_epoch_include_the_remainder():
    config = replace(PlaygroundConfig(), n_samples=200, batch_size=30)  # 100 train → 3 full + 1 partial
    trainer = trainer_for(config)
    trainer.run_to_end(2)
    assert int(trainer.optimizer.iterations) == 8


def test_divergence_names_the_epoch_and_keeps_a_finite_model():
    config = replace(default_config("regression"), n_samples=200, optimizer="sgd", learning_rate=10.0,
                     hidden=(HiddenLayer(8, "relu"),), batch_size=0)
    trainer = trainer_for(config)
    result = trainer.run_to_end(500)
    assert result.status == "diverged"
    assert result.diverged_epoch is not None and f"epoch {result.diverged_epoch}" in result.message
    assert "smaller" in result.message
    assert all(np.isfinite(w).all() for w in trainer.model.get_weights())
    assert all(np.isfinite(trainer.history.train_loss))
    assert trainer.epoch == len(trainer.history) == result.diverged_epoch - 1


# Full-batch SGD at 0.12 on this regression diverges at epoch 8, inside the third chunk of
# epochs (1, then 4, then 16 with a long snapshot interval): the old rollback kept epoch 5.
LATE_DIVERGENCE = replace(default_config("regression"), n_samples=200, optimizer="sgd", learning_rate=0.12,
                          hidden=(HiddenLayer(8, "relu"),), batch_size=0)
# Both diverge in their very first epoch (issue 10's examples).
FIRST_EPOCH_DIVERGENCE = {
    "regression_bump": replace(default_config("regression"), dataset="bump", learning_rate=10.0, batch_size=1),
    "sgd_momentum": replace(PlaygroundConfig(), optimizer="sgd", learning_rate=10.0, momentum=0.999, batch_size=1,
                            hidden=(HiddenLayer(64, "relu"), HiddenLayer(64, "relu")), from_logits=False),
}


def test_divergence_keeps_the_last_finite_epoch():
    data = load_dataset(LATE_DIVERGENCE)
    diverging = Trainer(LATE_DIVERGENCE, data, snapshot_interval=60.0)
    snapshots = list(diverging.run(300))
    result = diverging.last_result
    assert result.status == "diverged" and result.diverged_epoch == 8
    assert diverging.epoch == result.epochs_run == 7 and diverging.history.epoch == list(range(1, 8))
    assert snapshots[-1].epoch == 7  # the page is shown the kept epoch
    stopped_before = Trainer(LATE_DIVERGENCE, data)
    stopped_before.run_to_end(7)
    assert diverging.history.to_csv() == stopped_before.history.to_csv()
    for kept, expected in zip(diverging.model.get_weights(), stopped_before.model.get_weights()):
        np.testing.assert_array_equal(kept, expected)
    assert int(diverging.optimizer.iterations) == int(stopped_before.optimizer.iterations) == 7


def test_divergence_message_names_the_epoch_the_rate_and_what_was_kept():
    trainer = trainer_for(LATE_DIVERGENCE)
    message = trainer.run_to_end(300).message
    assert message.startswith("The loss became NaN or infinite at epoch 8")
    assert "learning rate (0.12) is too large" in message and "Try a smaller one (e.g. 0.012)" in message
    assert "kept as it was after epoch 7, the last with a finite loss" in message


@pytest.mark.parametrize("name", list(FIRST_EPOCH_DIVERGENCE))
def test_divergence_in_the_very_first_epoch(name):
    config = FIRST_EPOCH_DIVERGENCE[name]
    trainer = trainer_for(config)
    start = [w.copy() for w in trainer.model.get_weights()]
    snapshots = list(trainer.run(50))  # no exception, and nothing to show
    result = trainer.last_result
    assert snapshots == [] and result.status == "diverged" and result.diverged_epoch == 1
    assert result.epochs_run == 0 and trainer.epoch == 0 and len(trainer.history) == 0
    assert trainer.history.to_csv().count("\n") == 1  # the header only
    assert "at epoch 1" in result.message and "kept at its initial weights" in result.message
    for kept, initial in zip(trainer.model.get_weights(), start):
        np.testing.assert_array_equal(kept, initial)
    assert int(trainer.optimizer.iterations) == 0


def test_time_budget_ends_the_run_and_keeps_the_model():
    trainer = trainer_for(replace(PlaygroundConfig(), **SMALL))
    result = trainer.run_to_end(2_000, max_seconds=0.0)
    assert result.status == "time_budget" and "kept" in result.message
    assert 0 < trainer.epoch < 2_000 and len(trainer.history) == trainer.epoch


def test_l2_penalty_trains():
    trainer = trainer_for(replace(PlaygroundConfig(), regularization="l2", reg_rate=0.01, **SMALL))
    assert trainer.run_to_end().status == "finished"


def test_final_metrics_from_the_trained_model():
    config = replace(default_config("multiclass"), n_samples=300)
    data = load_dataset(config)
    trainer = Trainer(config, data)
    trainer.run_to_end(30)
    probabilities = to_probabilities(config, trainer.raw_outputs(data.x_test))
    evaluation = evaluate(config, probabilities, data.y_test, data.class_names)
    assert evaluation.confusion.sum() == len(data.y_test)
    assert evaluation.headline["accuracy"] == pytest.approx(trainer.history.test_metrics["accuracy"][-1], abs=1e-6)


# ---------------------------------------------------------------- validity ⇒ it trains
from hypothesis import HealthCheck, given, settings  # noqa: E402

from nnplay.config.catalog import is_toy  # noqa: E402
from tests.unit.test_urlstate import valid_configs  # noqa: E402


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(valid_configs().filter(lambda c: is_toy(c.dataset)))
def test_any_valid_toy_config_builds_and_trains(config):
    config = replace(config, n_samples=min(config.n_samples, 200))
    trainer = trainer_for(config)
    result = trainer.run_to_end(2)
    assert result.status in ("finished", "diverged")
    assert trainer.epoch == len(trainer.history)


def test_course_network_learns_real_mnist():
    import os

    from nnplay.data.mnist import clear_mnist_cache
    from tests.conftest import SHARED_MNIST

    if not SHARED_MNIST.is_dir():
        pytest.skip(f"real MNIST test set not found at {SHARED_MNIST}")
    os.environ["NNPLAY_MNIST_DIR"] = str(SHARED_MNIST)
    clear_mnist_cache()
    try:
        config = replace(default_config("multiclass"), dataset="mnist", n_samples=4000, train_fraction=0.75,
                         hidden=(HiddenLayer(25, "relu"), HiddenLayer(15, "relu")), optimizer="adam",
                         learning_rate=1e-3, batch_size=32)
        trainer = trainer_for(config)
        trainer.run_to_end(5)
        assert trainer.history.test_metrics["accuracy"][-1] > 0.8
    finally:
        del os.environ["NNPLAY_MNIST_DIR"]
        clear_mnist_cache()


def test_the_epoch_code_the_export_copies_is_standalone(tmp_path):
    """The exported script gets make_epoch_function and its helpers as source: with nothing but
    numpy and TensorFlow they train exactly as the Trainer does."""
    import runpy

    import tensorflow as tf

    from nnplay.engine.model import build_loss, build_model, build_optimizer
    from nnplay.export.keras_script import training_functions

    module = tmp_path / "copied_epoch.py"  # a file, as in the script: AutoGraph reads the loops' source
    module.write_text("import numpy as np\nimport tensorflow as tf\n\n\n" + "\n\n\n".join(training_functions()))
    namespace = runpy.run_path(str(module))
    config = replace(PlaygroundConfig(), **SMALL)
    data = load_dataset(config)
    model, optimizer, loss_fn = build_model(config), build_optimizer(config), build_loss(config)
    optimizer.build(model.trainable_variables)
    targets = namespace["targets_for_loss"]
    run_epoch = namespace["make_epoch_function"](
        model, optimizer, loss_fn, config.task, config.uses_logits,
        (tf.constant(data.x_train), tf.constant(targets(config.task, data.y_train))),
        (tf.constant(data.x_test), tf.constant(targets(config.task, data.y_test))),
        config.batch_size, config.seed, n_metrics=len(TASKS[config.task].epoch_metrics))
    test_losses = [float(run_epoch(epoch)[1]) for epoch in range(3)]
    trainer = trainer_for(config)
    trainer.run_to_end(3)
    assert test_losses == trainer.history.test_loss
