"""Varied configs whose Trainer curves were recorded once and must never change (links are forever).

Recorded on this machine class (x86-64 CPU, TensorFlow 2.21, XLA on CPU); a different CPU
family or TensorFlow version may legitimately round differently.
"""

from dataclasses import replace

from nnplay.config.schema import (
    HiddenLayer,
    PlaygroundConfig,
    default_config,
    with_optimizer,
)
from nnplay.data.load import load_dataset
from nnplay.engine.training import Trainer

GOLDEN_EPOCHS = 12

GOLDEN_CONFIGS: dict[str, PlaygroundConfig] = {
    # TF Playground's default: circle, 4-2 tanh, SGD 0.03, batch 10.
    "default": replace(PlaygroundConfig(), n_samples=300),
    # The spiral of issue 10: 2 x 8 ReLU, Adam 0.01.
    "spiral_adam": replace(with_optimizer(PlaygroundConfig(), "adam"), dataset="spiral", n_samples=300,
                           learning_rate=0.01, hidden=(HiddenLayer(8, "relu"), HiddenLayer(8, "relu")),
                           noise=0.1, seed=3),
    # Multiclass with logits, a remainder batch (150 train = 4 x 32 + 22), RMSprop and L2.
    "multiclass_l2_rmsprop": replace(with_optimizer(default_config("multiclass"), "rmsprop"), n_classes=4,
                                     n_samples=300, batch_size=32, regularization="l2", reg_rate=0.01),
    # Multi-label sigmoids, Adam, L1.
    "multilabel_l1": replace(with_optimizer(default_config("multilabel"), "adam"), n_samples=240,
                             regularization="l1", reg_rate=0.001, batch_size=16, seed=5),
    # Regression, full batch, SGD with Nesterov momentum.
    "regression_full_batch": replace(default_config("regression"), dataset="bump", n_samples=200,
                                     batch_size=0, momentum=0.9, nesterov=True, learning_rate=0.05),
    # Regression y >= 0 (softplus output), odd batch, ELU.
    "regression_nonneg": replace(default_config("regression_nonneg"), dataset="distance", n_samples=200,
                                 batch_size=7, hidden=(HiddenLayer(5, "elu"), HiddenLayer(3, "softplus"))),
    # Binary with a sigmoid output (probabilities, no logits), Adagrad, XOR.
    "binary_probabilities": replace(with_optimizer(PlaygroundConfig(), "adagrad"), dataset="xor",
                                    from_logits=False, n_samples=200, batch_size=25, data_seed=2),
    # Real MNIST (the official test set from ../shared), multiclass.
    "mnist": replace(with_optimizer(default_config("multiclass"), "adam"), dataset="mnist", n_samples=400,
                     hidden=(HiddenLayer(16, "relu"),), batch_size=32),
}


def golden_history(name: str) -> str:
    """The Trainer's history for GOLDEN_CONFIGS[name], GOLDEN_EPOCHS epochs, as CSV."""
    config = GOLDEN_CONFIGS[name]
    trainer = Trainer(config, load_dataset(config))
    trainer.run_to_end(GOLDEN_EPOCHS)
    return trainer.history.to_csv()
