"""The data of a setup: 2-D toy generators, MNIST, a learner's CSV, as a Dataset (numpy; TensorFlow only
inside the Keras MNIST download)."""
