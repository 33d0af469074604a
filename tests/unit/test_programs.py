"""Compiled programs are shared by setup shape: however many trainers train one setup, at most
MAX_INSTANCES compiled copies of its program exist, and each trainer's curve is its own."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
import tensorflow as tf

from nnplay.config.schema import HiddenLayer, PlaygroundConfig
from nnplay.data.load import load_dataset
from nnplay.engine import programs as programs_module
from nnplay.engine.programs import Programs
from nnplay.engine.training import Trainer

CONFIG = replace(PlaygroundConfig(), n_samples=120, epochs=6, hidden=(HiddenLayer(3, "tanh"),))


def use(monkeypatch, programs: Programs) -> Programs:
    """`programs` in place of the server's, for one test."""
    monkeypatch.setattr(programs_module, "PROGRAMS", programs)
    monkeypatch.setattr("nnplay.engine.training.PROGRAMS", programs)
    return programs


@pytest.fixture
def programs(monkeypatch):
    """A fresh set of programs, at most two instances per shape."""
    return use(monkeypatch, Programs(max_instances=2))


def test_six_trainers_at_once_on_one_setup_use_at_most_two_programs_and_train_alike(programs):
    data = load_dataset(CONFIG)
    alone = Trainer(CONFIG, data)
    alone.run_to_end()
    trainers = [Trainer(CONFIG, data) for _ in range(6)]
    threads = [threading.Thread(target=trainer.run_to_end) for trainer in trainers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert programs.built <= 2 and programs.instances() <= 2
    assert all(trainer.history.to_csv() == alone.history.to_csv() for trainer in trainers)


def test_another_batch_size_is_another_program_another_learning_rate_or_seed_is_not(programs):
    data = load_dataset(CONFIG)
    first = Trainer(CONFIG, data)
    first.run_to_end(2)
    Trainer(replace(CONFIG, learning_rate=0.3), data).run_to_end(2)  # a variable the program reads
    seeded = Trainer(replace(CONFIG, seed=4), data)  # an argument, like the data
    seeded.run_to_end(2)
    assert programs.built == 1
    assert seeded.history.train_loss != first.history.train_loss  # its own weights and batch order
    Trainer(replace(CONFIG, batch_size=7), data).run_to_end(2)  # the batches' shape is in the graph
    assert programs.built == 2


def test_two_trainers_interleaving_on_one_program_keep_their_own_state(monkeypatch):
    """Chunk by chunk on the same instance (max one), each trainer's state is copied in and out."""
    one = use(monkeypatch, Programs(max_instances=1))
    data = load_dataset(CONFIG)
    reference = Trainer(CONFIG, data)
    reference.run_to_end(6)
    first, second = Trainer(CONFIG, data), Trainer(replace(CONFIG, learning_rate=0.1), data)
    for _ in range(3):
        first.advance(2)
        second.advance(2)
    assert one.built == 1
    assert first.history.to_csv() == reference.history.to_csv()
    assert second.history.train_loss != first.history.train_loss


def test_programs_forget_the_oldest_shapes_past_their_limit(monkeypatch):
    small = use(monkeypatch, Programs(max_instances=1, max_shapes=2))
    data = load_dataset(CONFIG)
    for batch_size in (5, 6, 7, 8):
        Trainer(replace(CONFIG, batch_size=batch_size), data).run_to_end(1)
    assert small.built == 4 and small.instances() == 2


def test_a_stop_does_not_wait_for_another_sessions_chunk(monkeypatch):
    """Every instance of the program is busy (another visitor's long epoch): this run's Stop still
    ends it at once, with nothing trained, and the program is left as it was."""
    from nnplay.engine.live import LiveRun
    from nnplay.engine.programs import program_key

    busy = use(monkeypatch, Programs(max_instances=1))
    data = load_dataset(CONFIG)
    trainer = Trainer(CONFIG, data)
    signature = [tf.TensorSpec(t.shape, t.dtype) for t in (*trainer._train, *trainer._test)]
    key = program_key(CONFIG, trainer.n_features, trainer.n_outputs, signature)
    assert busy._lend(key) is None  # another session holds the only slot, for as long as this test
    live = LiveRun(trainer, epochs=5).start()
    stopper = threading.Thread(target=live.stop)
    stopper.start()
    stopper.join(30)
    assert not stopper.is_alive() and live.done
    assert trainer.epoch == 0 and live.result.status == "stopped"
    assert busy.instances(key) == 1  # still the other session's
