"""Sessions sharing one server process: a run's curve depends on its config only, never on
global random state another session may set, and a restarted trainer equals a new one."""

import threading
from dataclasses import replace

import keras
import numpy as np
import pytest
import tensorflow as tf

from nnplay.config.schema import HiddenLayer, PlaygroundConfig
from nnplay.data.load import load_dataset
from nnplay.engine.programs import PROGRAMS
from nnplay.engine.training import Trainer

CONFIG = PlaygroundConfig(n_samples=200, noise=0.1, epochs=20, seed=5,
                          hidden=(HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh")))


def curve(config=CONFIG, between=lambda: None):
    data = load_dataset(config)
    between()  # what another session might do between loading the data and training
    trainer = Trainer(config, data)
    between()
    trainer.run_to_end(10)
    between()
    trainer.run_to_end(10)
    return trainer.history.train_loss, trainer.history.test_loss


def scramble_global_random_state(seed=123):
    keras.utils.set_random_seed(seed)  # sets Python's, NumPy's and TensorFlow's global seeds
    np.random.seed(seed + 1)
    tf.random.set_seed(seed + 2)
    np.random.rand(1000)
    tf.random.uniform([1000])


def test_global_seeds_set_by_others_do_not_change_the_curve():
    alone = curve()
    assert curve(between=scramble_global_random_state) == alone
    assert curve(between=lambda: scramble_global_random_state(7)) == alone


def test_global_seeds_set_concurrently_do_not_change_the_curve():
    alone = curve()
    stop = threading.Event()

    def meddle():
        i = 0
        while not stop.is_set():
            scramble_global_random_state(i)
            i += 1

    meddler = threading.Thread(target=meddle, daemon=True)
    meddler.start()
    try:
        results = [None, None]

        def train(index):
            results[index] = curve()

        threads = [threading.Thread(target=train, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
        meddler.join()
    assert results[0] == alone and results[1] == alone


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_restart_equals_a_new_trainer_and_both_share_one_compiled_program(optimizer):
    config = replace(CONFIG, optimizer=optimizer, learning_rate=0.01, momentum=0.9)
    data = load_dataset(config)
    fresh = Trainer(config, data)
    fresh.run_to_end(20)
    programs_after_one = PROGRAMS.instances()
    reused = Trainer(config, data)
    reused.run_to_end(15)  # moved the weights and the optimizer's moments and step count
    first_history = reused.history
    reused.restart()
    assert reused.epoch == 0 and len(reused.history) == 0 and reused.last_result is None
    assert len(first_history) == 15  # a run history that kept the old curve still has it
    reused.run_to_end(20)
    assert reused.history.train_loss == fresh.history.train_loss
    assert reused.history.test_loss == fresh.history.test_loss
    assert [w.tolist() for w in reused.model.get_weights()] == [w.tolist() for w in fresh.model.get_weights()]
    # Both trainers ran the first one's program: no second XLA program in TensorFlow's never-evicted cache.
    assert PROGRAMS.instances() == programs_after_one


def test_loss_history_csv_round_trips_every_float():
    trainer = Trainer(CONFIG, load_dataset(CONFIG))
    trainer.run_to_end(12)
    lines = trainer.history.to_csv().strip().splitlines()
    assert lines[0] == "epoch,train_loss,test_loss,train_accuracy,test_accuracy"
    rows = [line.split(",") for line in lines[1:]]
    assert [int(row[0]) for row in rows] == list(range(1, 13))
    assert [float(row[1]) for row in rows] == trainer.history.train_loss
    assert [float(row[2]) for row in rows] == trainer.history.test_loss
    assert [float(row[4]) for row in rows] == trainer.history.test_metrics["accuracy"]


def test_pool_hands_an_ended_sessions_trainer_to_the_next_one_restarted_never_two_at_once():
    import gc

    from nnplay.engine.pool import TrainerPool

    pool = TrainerPool(max_idle=2)
    data = load_dataset(CONFIG)
    first, second = pool.lease(CONFIG, data), pool.lease(CONFIG, data)
    assert first.trainer is not second.trainer  # two sessions at once: two trainers
    first.trainer.run_to_end(20)
    expected = first.trainer.history.train_loss
    second.trainer.run_to_end(7)
    used = second.trainer
    del second  # the session ended (or pressed Reset)
    gc.collect()
    assert pool.idle_count() == 1
    third = pool.lease(CONFIG, data)
    assert third.trainer is used and pool.reused == 1 and pool.built == 2
    assert third.trainer.epoch == 0 and len(third.trainer.history) == 0
    third.trainer.run_to_end(20)
    assert third.trainer.history.train_loss == expected
    assert pool.idle_count() == 0
    other = pool.lease(replace(CONFIG, seed=6), data)  # another setup never gets this trainer
    assert other.trainer is not used and pool.built == 3


@pytest.mark.parametrize("first_import", ["nnplay.labs.optimizer.surfaces", "nnplay.labs.optimizer.trajectories",
                                          "nnplay.engine.training", "nnplay.labs.activation.experiments"])
def test_the_thread_setting_holds_whichever_engine_module_a_page_imports_first(first_import):
    # A fresh interpreter: in this one TensorFlow's runtime may have started long ago.
    import subprocess
    import sys

    code = (f"import {first_import}, tensorflow as tf; tf.constant(1.0) + 1; "
            "print(tf.config.threading.get_intra_op_parallelism_threads(), "
            "tf.config.threading.get_inter_op_parallelism_threads())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["1", "2"], out.stderr[-2000:]
