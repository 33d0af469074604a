"""Training on real Keras: the model, the XLA-compiled epochs, live runs in a thread, the trainer pool,
metrics, the model over the input plane, saved models. Imports TensorFlow; never Streamlit."""
