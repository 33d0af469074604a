"""Plotly figure builders, pure functions data → Figure: theme.py (the shared look) and one module per page."""
