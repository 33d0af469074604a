"""The Optimizer Lab's maths: cost surfaces, Keras optimizers walking on them, the optimizer race."""
