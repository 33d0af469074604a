"""What a lesson is made of: its predict question, where it opens, and what a check says.

A lesson is one `Lesson` record in nnplay.lessons.course; adding one is that record and its check
function (tested in tests/unit/test_lessons.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nnplay.config.schema import PlaygroundConfig
    from nnplay.lessons.evidence import Evidence


@dataclass(frozen=True)
class Question:
    """A multiple-choice question: the *predict* question answered before running, or one of a quiz's."""

    key: str  # where the answer is kept (unique across the course)
    prompt: str
    options: tuple[str, ...]
    answers: tuple[str, ...]  # the options that are right (usually one)
    why: str  # shown once the answer is revealed

    def is_right(self, option: str | None) -> bool:
        return option in self.answers


@dataclass(frozen=True)
class Start:
    """Where a lesson's Open button leads: a page of the site, with the lesson's starting setup."""

    page: str  # the url_path of a nnplay.ui.site page, e.g. "Playground"
    label: str  # the button's words
    config: PlaygroundConfig | None = None  # the Playground's setup (opened as a link)
    lab: tuple[tuple[str, object], ...] = ()  # a lab's controls to set (session-state key, value)


@dataclass(frozen=True)
class Part:
    """One thing a check looks for, and what it found."""

    label: str  # what is asked, e.g. "A linear network fails on the circle"
    passed: bool
    detail: str  # what was found, or what is still missing, in a learner's words


@dataclass(frozen=True)
class Verdict:
    parts: tuple[Part, ...]

    @property
    def passed(self) -> bool:
        return bool(self.parts) and all(part.passed for part in self.parts)

    @property
    def missing(self) -> tuple[Part, ...]:
        return tuple(part for part in self.parts if not part.passed)


@dataclass(frozen=True)
class Lesson:
    number: int  # its place in the course, 1-based; in links as lesson=N and done=...
    title: str
    text: str  # a few lines of explanation (markdown)
    task: str  # what to do, with the target
    question: Question  # predict before running; revealed after the check has something to judge
    check: Callable[[Evidence], Verdict]
    starts: tuple[Start, ...] = ()  # Open buttons
    exercise: str = ""  # an exercise the Lessons page draws itself (nnplay.ui.lessons.EXERCISES), if any
    quiz: Callable[[], tuple[Question, ...]] | None = None  # a quiz lesson's questions (built when first asked)

    def questions(self) -> tuple[Question, ...]:
        return self.quiz() if self.quiz is not None else ()
