"""The Activation Lab's maths: activation curves and derivatives, folding linear layers, gradient size."""
