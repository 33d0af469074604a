"""nnplay: a neural-network playground on real Keras.

Packages by what they serve, and what they may import:
  config/   the catalog (one record per task, dataset, optimizer, activation), PlaygroundConfig, links — nothing heavy
  data/     toy generators, MNIST, a learner's CSV → Dataset — numpy
  engine/   Keras model, training, live runs, the trainer pool, metrics — TensorFlow
  export/   the standalone Keras script
  labs/     each lab's maths (inspector/, optimizer/, activation/)
  figures/  plotly builders, one module per page
  ui/       the Streamlit glue, one module per page; the only package that imports Streamlit
"""
