"""Each lab's maths, no Streamlit: inspector/ (Softmax Inspector), optimizer/ (Optimizer Lab),
activation/ (Activation Lab)."""
