"""The Softmax Inspector's maths: per-example outputs, thresholds, naive vs stable softmax, a drawn digit."""
