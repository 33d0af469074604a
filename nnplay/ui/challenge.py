"""The Playground's challenge links: a teacher makes one from any setup ("Make a challenge"); a student
who opens it sees the target above the page, and every run of theirs is judged against it as it ends;
"Share my solution" then writes the link a teacher replays (nnplay.config.challenge)."""

from __future__ import annotations

import streamlit as st

from nnplay.config.challenge import GOALS, LIMITS, Challenge, goals_for, judge, read_challenge
from nnplay.config.links import encode, query_text
from nnplay.config.schema import PlaygroundConfig
from nnplay.ui import state
from nnplay.ui.text import plain_markdown

DEFAULT_TARGETS = {"accuracy": 0.95, "exact_match": 0.85, "r2": 0.9, "loss": 0.1}


def link_to(config: PlaygroundConfig, challenge: Challenge) -> str:
    return f"{state.page_address()}?{query_text(encode(config) | challenge.to_params())}"


def banner(config: PlaygroundConfig) -> None:
    """A challenge link's target, and the latest run judged against it."""
    challenge, warnings = read_challenge(state.link_params(), config)
    for warning in warnings:
        st.warning(f"Challenge: {plain_markdown(warning)}", icon=":material/block:")
    if challenge is None:
        return
    with st.container(border=True, key="challenge"):
        st.markdown(f"**Challenge:** {challenge.describe()}.")
        runs = state.RUNS.get() or []
        if not runs:
            st.caption("Build a network and train it: every run is checked against the challenge when it ends.")
            return
        run = runs[-1]
        verdict = judge(challenge, run)
        loss = run.history.test_loss[-1] if len(run.history) else float("nan")
        headline = f"Run #{run.number}: final test loss {loss:.4f}"
        if verdict.met:
            st.success(f"**Challenge met.** {headline}.", icon=":material/emoji_events:")
        else:
            st.warning(f"**Not yet.** {headline}.", icon=":material/pending:")
        for passed, line in verdict.lines:
            mark = ":green[:material/check_circle:]" if passed else ":red[:material/cancel:]"
            st.markdown(f"{mark} {line}")
        if verdict.met:
            st.markdown("**Share my solution** — the teacher opens this link and trains: the same setup gives the "
                        "same curve, so they see this very result.")
            st.code(link_to(run.config, challenge), language=None, wrap_lines=True)


def make_a_challenge(config: PlaygroundConfig) -> None:
    """From the setup on screen: a target and optional limits, written as a link for students."""
    with st.expander("Make a challenge (for a class)", icon=":material/emoji_events:"):
        st.caption("Students open the link with this setup as their start, build and train; the page checks each "
                   "run against your target. 0 means no limit.")
        goals = goals_for(config.task)
        goal = st.selectbox("Target", goals, format_func=lambda key: GOALS[key].words, key="challenge_goal")
        rule = GOALS[goal]
        target = st.number_input("at least" if rule.at_least else "below", min_value=float(rule.low),
                                 max_value=float(rule.high), value=DEFAULT_TARGETS[goal], step=0.01,
                                 format="%.4f", key=f"challenge_target_{goal}")
        limits = {}
        for column, (key, (words, most)) in zip(st.columns(len(LIMITS)), LIMITS.items()):
            value = column.number_input(f"At most … {words}", min_value=0, max_value=most, value=0, step=1,
                                        key=f"challenge_{key}")
            limits[key] = int(value) or None
        wanted = Challenge(goal, float(target), **limits)
        challenge, warnings = read_challenge({k: [v] for k, v in wanted.to_params().items()}, config)
        for warning in warnings:
            st.warning(plain_markdown(warning))
        if challenge is not None:
            st.code(link_to(config, challenge), language=None, wrap_lines=True)
