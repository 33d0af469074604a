"""The Playground's top half, which needs no TensorFlow: the sidebar's setup, the title and its
notices, the data and the task's rule. A cold server (TensorFlow still importing) draws these at
once (nnplay.ui.cold_start); nnplay.ui.playground draws the rest once TensorFlow is in.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nnplay.config.advice import Advice, advice
from nnplay.config.schema import PlaygroundConfig, n_outputs
from nnplay.data.csv_upload import CSV_LIMITS, CSV_MAX_BYTES, csv_columns
from nnplay.data.dataset import DataError, Dataset
from nnplay.data.mnist import MnistAvailability
from nnplay.ui import challenge, controls, lessons
from nnplay.ui.datasets import shared_dataset
from nnplay.ui.state import current_config, show_notices, sync_url
from nnplay.ui.text import plain_markdown

CSV_UPLOAD_LABEL = "CSV file (header row, numeric feature columns)"


# ------------------------------------------------------------------ sidebar
@dataclass(frozen=True)
class Setup:
    """What the sidebar chose: the config, and what the config alone does not hold."""

    config: PlaygroundConfig
    notes: tuple[Advice, ...]  # advice on the config the script run began with
    mnist: MnistAvailability | None  # which MNIST this server has (MNIST only), for the Keras code
    csv_bytes: bytes | None = None  # the uploaded CSV, while the dataset is "csv"
    csv_error: str | None = None  # why the uploaded CSV's columns could not be read
    csv_notice: DeltaGenerator | None = None  # under the uploader, filled once the page knows the data's fate


def sidebar() -> Setup:
    """The controls in the sidebar. The config comes from the session (first from the link); an
    uploaded CSV may change it, by suggesting a target column."""
    config = current_config()
    controls.push_to_widgets(config)
    notes = tuple(advice(config))
    csv_bytes, csv_error, csv_notice = None, None, None
    with st.sidebar:
        st.header("Task")
        controls.task_controls(config)
        st.header("Data")
        mnist = controls.mnist_on_this_server(config)
        controls.data_controls(config, *controls.mnist_samples(config, mnist))
        if config.dataset == "csv":
            upload = st.file_uploader(CSV_UPLOAD_LABEL, type=["csv", "txt"],
                                      max_upload_size=CSV_MAX_BYTES // 2**20, help=CSV_LIMITS)
            csv_notice = st.empty()
            if upload is not None:
                csv_bytes = upload.getvalue()
                try:
                    config = controls.csv_target_picker(config, csv_columns(csv_bytes))
                except DataError as err:
                    csv_error = str(err)
        st.header("Optimizer")
        controls.optimizer_controls(config)
        st.header("Training")
        controls.training_controls(config)
    return Setup(config, notes, mnist, csv_bytes, csv_error, csv_notice)


# ------------------------------------------------------------------ top of the page
def header(setup: Setup) -> None:
    """The URL follows the config; then the title and what the link or the last change left to say."""
    sync_url(setup.config)
    st.title("Playground")
    show_notices()
    lessons.playground_banner()  # opened from a lesson: its task and its Check
    challenge.banner(setup.config)  # opened from a teacher's challenge: its target, the last run judged


def outputs_of(config: PlaygroundConfig, data: Dataset | None) -> int:
    """Output units of the network: the data tells how many classes a CSV has."""
    return n_outputs(config, data.n_classes if data is not None else None)


def data_section(setup: Setup) -> Dataset | None:
    """The data (None until a CSV and its target are chosen, or when it cannot be loaded), the
    task's output and loss, and the advice and data problems, each said once."""
    config = setup.config
    data, data_error = None, None
    if config.dataset == "csv" and setup.csv_bytes is None:
        st.info("Upload your CSV file in the sidebar (under **Data**): a header row naming the columns, then one "
                "row per example. You then choose the column to predict; every other column is an input.",
                icon=":material/upload_file:")
    elif config.dataset == "csv" and not config.csv_targets and setup.csv_error is None:
        st.info("Choose the target column(s) in the sidebar: what the network should predict.",
                icon=":material/ads_click:")
    else:
        try:
            data = shared_dataset(config, setup.csv_bytes)
        except DataError as err:
            data_error = str(err)

    task_rule(config, data)
    for note in setup.notes:
        if not note.field.startswith("hidden["):  # a layer's advice is shown next to that layer
            (st.warning if note.level == "warning" else st.info)(
                note.message, icon=":material/warning:" if note.level == "warning" else ":material/lightbulb:")
    if data_error:
        # Messages quote column names (a link's csv= among them): plain text, never markdown.
        st.error(plain_markdown(data_error), icon=":material/description:")
    if setup.csv_error:  # said once: in full on the page, and by the uploader only when it is another problem
        setup.csv_notice.error("This file cannot be used: the reason is on the page." if setup.csv_error == data_error
                               else plain_markdown(setup.csv_error))
    return data


def task_rule(config: PlaygroundConfig, data: Dataset | None) -> None:
    """The task's rule in a box: its output layer and loss, as Keras code and as a formula."""
    rule = config.rule
    with st.container(border=True):
        st.markdown(f"**{rule.label}** → output **{config.output_summary}**, loss **{rule.loss_label}**. {rule.why}")
        loss_args = "from_logits=True" if config.uses_logits else ""
        left, right = st.columns(2, vertical_alignment="center")
        left.code(f'Dense({outputs_of(config, data)}, activation="{config.output_activation}")\n'
                  f"loss = keras.losses.{rule.loss}({loss_args})", language="python", wrap_lines=True)
        right.latex(rule.loss_formula)
