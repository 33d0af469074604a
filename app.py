"""nnplay home page. Imports no TensorFlow: it must open instantly."""

import streamlit as st

from nnplay.ui.session import notice_markdown
from nnplay.urlstate import encode, parse_shared_link

st.set_page_config(page_title="nnplay — neural-network playground", page_icon="🧠", layout="wide")

PAGES = [
    ("pages/1_Playground.py", "🧪 Playground",
     "Pick a task, stack layers, choose an optimizer, and watch the loss and the decision boundary move live. "
     "Export the Keras code; share the setup as a link."),
    ("pages/2_Softmax_Inspector.py", "🔎 Softmax Inspector",
     "Logits, probabilities that sum to one, confident mistakes, a confusion matrix, a digit you draw, "
     "sigmoids vs softmax, and why from_logits=True is the numerically stable way."),
    ("pages/3_Optimizer_Lab.py", "🏔️ Optimizer Lab",
     "Gradient descent, momentum, RMSprop, Adagrad and Adam racing across cost surfaces from the same start: "
     "learning rates too small and too large, one rate per parameter, and a race on a real network."),
    ("pages/4_Activation_Lab.py", "📈 Activation Lab",
     "Activations and their derivatives, softmax on numbers you type, why a network of linear layers is one "
     "linear layer, and how sigmoid stacks starve their first layers of gradient."),
]

st.title("nnplay")
st.markdown(
    "A neural-network playground with **real TensorFlow/Keras** underneath. Pick a task "
    "(binary, multiclass, multi-label or regression) and see which output layer and loss it "
    "implies, stack hidden layers, choose an optimizer, train on MNIST, 2-D toy data or your "
    "own CSV, watch it learn live — and share the whole setup as a link."
)

columns = st.columns(len(PAGES))
for column, (path, title, text) in zip(columns, PAGES):
    with column.container(border=True):
        st.page_link(path, label=title)
        st.caption(text)

st.subheader("Open a shared link")
link = st.text_input(
    "Paste an nnplay link — or a TensorFlow Playground link (playground.tensorflow.org/#…)",
    placeholder="https://…/Playground?v=1&task=binary&…",
)
if link:
    config, warnings = parse_shared_link(link)
    if warnings:
        st.warning(notice_markdown("Opened the nearest nnplay setup. What could not be carried over:", warnings))
    else:
        st.success("Link read.")
    if st.button("Open in the Playground", type="primary"):
        st.session_state.pop("config", None)  # the Playground reads the new link on its next run
        st.switch_page("pages/1_Playground.py", query_params=encode(config))
