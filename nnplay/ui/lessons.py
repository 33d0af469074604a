"""The Lessons page: the course in order, one lesson at a time, each with its predict question, its task,
an Open button to the page that has the lesson's starting setup, and a Check that judges what this
session really trained or tried (nnplay.lessons). Progress lives in the session and in the link
(lesson=4&done=1,2,3), so a student can come back and a teacher can send "start at lesson 4".

Imports no TensorFlow until a lesson needs it (lesson 3's computed answers, lesson 10's training)."""

from __future__ import annotations

import streamlit as st

from nnplay import warm_up
from nnplay.config.links import encode, query_text
from nnplay.lessons import double_softmax
from nnplay.lessons.course import BY_NUMBER, LESSONS
from nnplay.lessons.evidence import Evidence, remember
from nnplay.lessons.progress import LESSON_KEY, Progress, lesson_number, read_progress
from nnplay.lessons.records import Lesson, Question, Start, Verdict
from nnplay.ui import state
from nnplay.ui.site import PAGES

LESSONS_PAGE = "Lessons"


# ------------------------------------------------------------------ progress and the link
def progress() -> Progress:
    """The session's place in the course; on its first visit, from the page's link."""
    if not state.PROGRESS.is_set():
        found, warnings = read_progress(state.link_params(), len(LESSONS))
        state.PROGRESS.set(found)
        state.PROGRESS_NOTICE.set(warnings)
    return state.PROGRESS.get()


def page_file(url_path: str) -> str:
    return next(page.file for page in PAGES if page.url_path == url_path)


def _choose(number: int) -> None:
    state.PROGRESS.set(Progress(number, progress().done))


def _chosen_from_widget() -> None:
    _choose(int(state.LESSON_CHOICE.get()))


def evidence() -> Evidence:
    """Everything this session did that a check may judge."""
    return Evidence(
        runs=tuple(state.RUNS.get() or ()),
        softmax_tries=tuple(state.SOFTMAX_TRIES.get() or ()),
        stability_tries=tuple(state.STABILITY_TRIES.get() or ()),
        surface_tries=tuple(state.SURFACE_TRIES.get() or ()),
        double_softmax_tries=tuple(state.DOUBLE_SOFTMAX_TRIES.get() or ()),
        answers=dict(state.ANSWERS.get() or {}),
    )


# ------------------------------------------------------------------ the page
def render() -> None:
    place = progress()
    warnings = state.PROGRESS_NOTICE.pop()
    if warnings:
        st.warning(state.notice_markdown("Parts of this link could not be used:", warnings),
                   icon=":material/link_off:")
    course_list(place)
    place = progress()  # the list may have moved to another lesson
    st.progress(len(place.done) / len(LESSONS), text=f"{len(place.done)} of {len(LESSONS)} lessons done")
    lesson = BY_NUMBER[place.lesson]
    show_lesson(lesson)
    state.write_query(progress().to_params())
    course_link(progress())


def course_list(place: Progress) -> None:
    """The lessons in the sidebar, the ones done ticked."""
    if not state.LESSON_CHOICE.is_set() or state.LESSON_CHOICE.get() != place.lesson:
        state.LESSON_CHOICE.set(place.lesson)
    with st.sidebar:
        st.header("The course")
        st.radio("Lesson", [lesson.number for lesson in LESSONS], key=state.LESSON_CHOICE.name,
                 on_change=_chosen_from_widget, label_visibility="collapsed",
                 format_func=lambda n: f"{'✓' if n in progress().done else '○'} {n}. {BY_NUMBER[n].title}")


def show_lesson(lesson: Lesson) -> None:
    st.header(f"Lesson {lesson.number}: {lesson.title}")
    st.markdown(lesson.text)
    st.info(f"**Your task.** {lesson.task}", icon=":material/flag:")
    verdict = (state.VERDICTS.get() or {}).get(lesson.number)
    predict(lesson.question, revealed=verdict is not None)
    open_buttons(lesson)
    questions = lesson.questions()
    if questions:
        st.subheader("Quiz")
        for question in questions:
            quiz_question(question)
    if lesson.exercise == "double_softmax":
        double_softmax_exercise()
    check(lesson)


def _save_answer(question_key: str, widget_key: str) -> None:
    answers = state.ANSWERS.setdefault({})
    value = st.session_state.get(widget_key)
    if value is None:
        answers.pop(question_key, None)
    else:
        answers[question_key] = value


def _answer_radio(question: Question, label: str, disabled: bool = False) -> str | None:
    saved = (state.ANSWERS.get() or {}).get(question.key)
    widget_key = f"answer.{question.key}"
    if widget_key not in st.session_state and saved in question.options:
        st.session_state[widget_key] = saved  # the widget was forgotten while another page was open
    return st.radio(label, question.options, index=None, key=widget_key, disabled=disabled,
                    on_change=_save_answer, args=(question.key, widget_key))


def predict(question: Question, revealed: bool) -> None:
    """The predict question: answered before running, locked and revealed once the lesson was checked."""
    chosen = _answer_radio(question, f"**Predict first.** {question.prompt}", disabled=revealed)
    if not revealed:
        if chosen is None:
            st.caption("Choose an answer before you run anything: it is revealed when you check the lesson.")
        return
    if chosen is None:
        st.info(f"You did not predict. The answer: **{' / '.join(question.answers)}**. {question.why}")
    elif question.is_right(chosen):
        st.success(f"You predicted **{chosen}** — right. {question.why}", icon=":material/check_circle:")
    else:
        st.warning(f"You predicted **{chosen}**; the answer is **{' / '.join(question.answers)}**. {question.why}",
                   icon=":material/lightbulb:")


def quiz_question(question: Question) -> None:
    chosen = _answer_radio(question, f"**{question.prompt}**")
    if chosen is None:
        return
    if question.is_right(chosen):
        st.success(f"Right. {question.why}", icon=":material/check_circle:")
    else:
        st.error(f"Not this one. {question.why}", icon=":material/cancel:")


def open_buttons(lesson: Lesson) -> None:
    if not lesson.starts:
        return
    for column, (index, start) in zip(st.columns(len(lesson.starts)), enumerate(lesson.starts)):
        if column.button(start.label, key=f"open.{lesson.number}.{index}", icon=":material/open_in_new:",
                         width="stretch"):
            open_start(lesson, start)


def open_start(lesson: Lesson, start: Start) -> None:
    """Go to the lesson's page with its starting setup: the Playground's as a link (with lesson=N, so
    the Playground shows the lesson), a lab's by setting its controls."""
    if start.config is not None:
        state.CONFIG.pop()  # the Playground reads the new link on its next run
        st.switch_page(page_file(start.page), query_params=encode(start.config) | {LESSON_KEY: str(lesson.number)})
    for key, value in start.lab:
        st.session_state[key] = value
    st.switch_page(page_file(start.page))


def double_softmax_exercise() -> None:
    st.subheader("Broken network 1: Keras code")
    st.code(double_softmax.BROKEN_CODE, language="python")
    st.caption("Keras 3 on TensorFlow spots this exact code — a softmax layer right before a from_logits=True loss "
               "— warns \"Was this intended?\" and quietly uses the scores before the softmax. Other backends, and "
               "any softmax it cannot see (one in a layer of your own), are not rescued; the check trains what "
               "the code says, with the activation out of the loss's sight.")
    fix = st.radio("Your fix", list(double_softmax.FIXES), index=None, key="debug_fix",
                   format_func=lambda key: double_softmax.FIXES[key].label)
    if st.button("Train the broken model and your fix", disabled=fix is None, icon=":material/play_arrow:"):
        warm_up.wait()  # never import TensorFlow beside the server's background import
        from nnplay.lessons.double_softmax_run import try_fix  # TensorFlow: only once asked

        with st.spinner("Training both models with Keras (a few seconds)…"):
            remember(state.DOUBLE_SOFTMAX_TRIES.setdefault([]), try_fix(fix))
    tries = state.DOUBLE_SOFTMAX_TRIES.get() or []
    if tries:
        from nnplay.figures.lessons import double_softmax_figure

        last = tries[-1]
        st.plotly_chart(double_softmax_figure(last, double_softmax.FIXES[last.fix].label), key="double_softmax")


def check(lesson: Lesson) -> None:
    if st.button("Check", type="primary", key=f"check.{lesson.number}", icon=":material/fact_check:"):
        run_check(lesson)
        st.rerun()  # the predict question above is revealed and locked by this check
    verdict = (state.VERDICTS.get() or {}).get(lesson.number)
    if verdict is not None:
        show_verdict(verdict)
        if verdict.passed and lesson.number < len(LESSONS):
            st.button(f"Next: lesson {lesson.number + 1}", on_click=_choose, args=(lesson.number + 1,),
                      icon=":material/arrow_forward:")


def run_check(lesson: Lesson) -> Verdict:
    """Judge what this session did; a pass ticks the lesson off."""
    verdict = lesson.check(evidence())
    state.VERDICTS.setdefault({})[lesson.number] = verdict
    if verdict.passed:
        state.PROGRESS.set(progress().with_done(lesson.number))
    return verdict


def show_verdict(verdict: Verdict) -> None:
    if verdict.passed:
        st.success("**Lesson done.** Everything the task asks for is in what you trained.",
                   icon=":material/task_alt:")
    else:
        st.warning(f"**Not yet:** {len(verdict.missing)} of {len(verdict.parts)} still missing.",
                   icon=":material/pending:")
    for part in verdict.parts:
        mark = ":green[:material/check_circle:]" if part.passed else ":red[:material/cancel:]"  # no emoji font needed
        st.markdown(f"{mark} **{part.label}.** {part.detail}")


def course_link(place: Progress) -> None:
    with st.expander("A link to this place in the course"):
        st.code(f"{state.page_address()}?{query_text(place.to_params())}", language=None, wrap_lines=True)
        st.caption("It opens this lesson with the lessons done ticked. A teacher can send one without done=, say "
                   "…/Lessons?lesson=4, to start a class at lesson 4.")


# ------------------------------------------------------------------ the lesson on the Playground
def playground_banner() -> None:
    """On a Playground opened from a lesson (lesson=N in its link): the task, a Check, and the way back."""
    values = st.query_params.get_all(LESSON_KEY)
    number = lesson_number(values[0], len(LESSONS)) if values else None
    if number is None:
        return
    lesson = BY_NUMBER[number]
    with st.container(border=True):
        st.markdown(f"**Lesson {lesson.number}: {lesson.title}.** {lesson.task}")
        left, right = st.columns(2)
        checked = left.button("Check this lesson", key="banner_check", icon=":material/fact_check:")
        if right.button("Back to the lesson", key="banner_back", icon=":material/school:"):
            _choose(lesson.number)
            st.switch_page(page_file(LESSONS_PAGE), query_params=progress().to_params())
        if checked:
            show_verdict(run_check(lesson))
