"""The Streamlit glue: state.py (every session key), site.py (the page table), one module per page, and
the controls, live training, results, saving and layout they share. The only package that imports Streamlit."""
