"""Training on real Keras: the model, the XLA-compiled epochs (one program per setup shape, shared by
every session), live runs in a thread, the trainer pool, metrics, the model over the input plane,
saved models. Imports TensorFlow; never Streamlit."""
