"""Where a learner is in the course, as the Lessons page's link carries it: lesson=4&done=1,2,3.

Read like every nnplay link: never raises, a bad value is dropped with a warning in a person's words."""

from __future__ import annotations

import re
from dataclasses import dataclass

LESSON_KEY = "lesson"
DONE_KEY = "done"
_MAX_LEN = 200  # longer values are not read at all


@dataclass(frozen=True)
class Progress:
    lesson: int = 1  # the lesson open
    done: frozenset[int] = frozenset()  # lessons whose check has passed

    def to_params(self) -> dict[str, str]:
        params = {LESSON_KEY: str(self.lesson)}
        if self.done:
            params[DONE_KEY] = ",".join(str(n) for n in sorted(self.done))
        return params

    def with_done(self, number: int) -> Progress:
        return Progress(self.lesson, self.done | {number})


def lesson_number(text: str, count: int) -> int | None:
    """The lesson a link's value names, in a course of `count` lessons; None if it names none."""
    text = text.strip()
    return int(text) if re.fullmatch(r"[0-9]{1,3}", text) and 1 <= int(text) <= count else None


def read_progress(params: dict[str, list[str]], count: int) -> tuple[Progress, list[str]]:
    """Progress from the page's query params (every value of every key) for a course of `count` lessons."""
    warnings = []
    lesson = 1
    values = params.get(LESSON_KEY) or []
    if values:
        text = values[0]
        number = lesson_number(text, count) if len(text) <= _MAX_LEN else None
        if number is None:
            warnings.append(f"Ignored lesson={text[:20]!r}: there are lessons 1 to {count}; starting at lesson 1.")
        else:
            lesson = number
    done: set[int] = set()
    values = params.get(DONE_KEY) or []
    if values:
        text = values[0]
        items = text.split(",") if len(text) <= _MAX_LEN else []
        numbers = [lesson_number(item, count) for item in items]
        done = {n for n in numbers if n is not None}
        if len(done) < len([item for item in items if item.strip()]) or not items:
            warnings.append(f"Ignored part of done={text[:20]!r}: it lists lessons done as numbers 1 to {count}, "
                            "separated by commas.")
    return Progress(lesson, frozenset(done)), warnings
