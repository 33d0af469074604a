"""A trainer that is gone leaves nothing behind but its compiled programs: TensorFlow's gradient
registry keeps no function of its traced graph, so neither the graph nor the data it holds stays."""

import gc
import weakref
from dataclasses import replace

import keras
import tensorflow as tf

from nnplay.config.schema import PlaygroundConfig, with_optimizer
from nnplay.data.load import load_dataset
from nnplay.engine.pool import TrainerPool
from nnplay.engine.tracing import custom_gradient_entries, run_tracing
from nnplay.engine.training import Trainer


def test_a_finished_trainer_leaves_no_gradient_function_and_frees_its_data():
    config = replace(with_optimizer(PlaygroundConfig(), "adam"), n_samples=200, epochs=3)
    before = custom_gradient_entries()
    trainer = Trainer(config, load_dataset(config))
    trainer.run_to_end()
    data_tensor = weakref.ref(trainer._train[0])
    del trainer
    gc.collect()
    assert custom_gradient_entries() == before
    assert data_tensor() is None  # the 200 points went with the trainer (MNIST 70k: ~215 MB)


def test_without_the_guard_tensorflow_keeps_the_entry():
    """The leak the guard exists for: if this starts failing, a TensorFlow release fixed it."""
    variable = tf.Variable([1.0, 2.0])
    optimizer = keras.optimizers.SGD(0.1)
    optimizer.build([variable])

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(variable ** 2)
        optimizer.apply_gradients([(tape.gradient(loss, variable), variable)])

    before = custom_gradient_entries()
    step.get_concrete_function()
    leaked = custom_gradient_entries() - before
    assert leaked >= 1
    run_tracing(lambda: None)  # a guard traces nothing: it drops only what its own trace added
    assert custom_gradient_entries() - before == leaked


def test_a_pooled_trainer_holds_no_data_and_trains_again_as_new():
    config = replace(PlaygroundConfig(), n_samples=200, epochs=4)
    data = load_dataset(config)
    pool = TrainerPool(max_idle=2)
    lease = pool.lease(config, data)
    lease.trainer.run_to_end()
    first_curve = lease.trainer.history.to_csv()
    trainer = lease.trainer
    del lease
    gc.collect()
    assert pool.idle_count() == 1
    assert trainer.data is None and trainer._train is None
    again = pool.lease(config, load_dataset(config))
    assert again.trainer is trainer and pool.reused == 1
    again.trainer.run_to_end()
    assert again.trainer.history.to_csv() == first_curve


def test_trainers_on_a_shared_read_only_dataset_share_one_tensorflow_copy_of_it():
    from nnplay.data.load import read_only

    config = replace(PlaygroundConfig(), n_samples=200, epochs=2)
    shared = read_only(load_dataset(config))
    one, two = Trainer(config, shared), Trainer(replace(config, seed=3), shared)
    assert one._train[0] is two._train[0] and one._test[1] is two._test[1]
    own = Trainer(config, load_dataset(config))  # writable arrays: a copy of its own
    assert own._train[0] is not one._train[0]
    one.run_to_end()
    own.run_to_end()
    assert one.history.to_csv() == own.history.to_csv()
