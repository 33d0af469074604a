"""The setup and what its values mean: the catalog of records, PlaygroundConfig and its caps, share links,
TF Playground links, advice. Imports nothing heavy (no TensorFlow, no Streamlit, no plotly)."""
