"""The standalone Keras script for a setup, reproducing the page's curve."""
