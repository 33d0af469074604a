"""The Playground's results: how the run ended, what the loss curve says, the test metrics.

A run may end with no epoch at all (it diverged in its first one) or with a model whose
outputs are not finite numbers; both end in a message, never a traceback, so the tabs
below (Keras code, Share, History) always stay on the page.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnplay.engine.diagnosis import diagnose
from nnplay.engine.model import to_probabilities
from nnplay.engine.training import Trainer
from nnplay.figures import results as result_figures
from nnplay.ui.layout import CHART_CONFIG
from nnplay.ui.training_panel import final_evaluation

# Material icons: Streamlit ships their font (an emoji needs a colour emoji font, which many
# Linux browsers lack).
ICONS = {"finished": ":material/check_circle:", "stopped": ":material/stop_circle:", "time_budget": ":material/timer:",
         "abandoned": ":material/tab_close:",
         "diverged": ":material/local_fire_department:", "loaded": ":material/upload_file:"}


def show_results(trainer: Trainer | None) -> None:
    """Everything below the curves once `trainer` has run (pass only the setup on screen's trainer;
    None, like a trainer that has not run, shows nothing)."""
    result = trainer.last_result if trainer is not None else None
    if result is None:
        return
    summary = result.message if result.status == "loaded" else (
        f"{result.message} ({result.epochs_run} epochs in {result.seconds:.1f} s; {trainer.epoch} epochs in all)")
    (st.error if result.status == "diverged" else st.info)(summary, icon=ICONS.get(result.status, ":material/info:"))
    diagnosis = None if result.status == "diverged" else diagnose(trainer.history.train_loss, trainer.config)
    if diagnosis is not None:
        st.warning(diagnosis.message, icon=":material/trending_up:")
    if len(trainer.history) == 0 and result.status != "loaded":
        return  # not one epoch completed: there is nothing to score yet
    try:
        evaluation = final_evaluation(trainer)
    except ValueError:  # scikit-learn refuses infinite outputs
        st.error("The model's outputs are not finite numbers, so it cannot be scored. Train again with a smaller "
                 "learning rate.", icon=":material/local_fire_department:")
        return
    trained = len(trainer.history) > 0  # a loaded model has metrics but no curve yet
    metric_cols = st.columns(len(evaluation.headline) + trained)
    for column, (name, value) in zip(metric_cols, evaluation.headline.items()):
        column.metric(f"Test {name.replace('_', ' ')}", f"{value:.3f}")
    if trained:
        metric_cols[-1].metric("Final test loss", f"{trainer.history.test_loss[-1]:.4f}")
        # Every epoch to full precision: for a spreadsheet, or to check a link gives the same curve.
        st.download_button("Download the loss history (CSV)", trainer.history.to_csv,
                           file_name="nnplay_loss_history.csv", mime="text/csv", on_click="ignore")
    st.caption("A reload restores this setup, not the trained weights: keep them as a .keras file "
               "(Share & save, below).")
    if evaluation.confusion is not None:
        st.plotly_chart(result_figures.confusion_figure(evaluation), key="confusion", config=CHART_CONFIG)
    elif evaluation.per_label_accuracy:
        st.plotly_chart(result_figures.label_accuracy_figure(evaluation), key="labels", config=CHART_CONFIG)
    else:
        tested = trainer.data  # the page's data may be gone (a refused upload); the model's is not
        predicted = to_probabilities(trainer.config, trainer.raw_outputs(tested.x_test)).reshape(-1)
        if np.isfinite(predicted).all():
            st.plotly_chart(result_figures.regression_figure(tested.y_test, predicted), key="regression",
                            config=CHART_CONFIG)
