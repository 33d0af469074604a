"""Every lesson's check on real trained runs and real lab results: it passes on what meets the task and
fails, saying what is missing, on what does not."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnplay.config.schema import HiddenLayer
from nnplay.data.load import load_dataset
from nnplay.engine.metrics import evaluate
from nnplay.engine.model import to_probabilities
from nnplay.engine.runs import make_record
from nnplay.engine.training import Trainer
from nnplay.labs.activation.experiments import softmax
from nnplay.labs.inspector.stability import compare
from nnplay.labs.optimizer.surfaces import get_surface
from nnplay.labs.optimizer.trajectories import run_optimizer
from nnplay.lessons import course
from nnplay.lessons.course import BY_NUMBER, LESSONS
from nnplay.lessons.evidence import Evidence, SoftmaxTry, StabilityTry, remember, surface_try
from nnplay.lessons.progress import Progress, read_progress

RELU_8_8 = (HiddenLayer(8, "relu"), HiddenLayer(8, "relu"))


def trained(config, number: int = 1):
    """A run as the Playground records it: trained to its end, judged on the test set."""
    data = load_dataset(config)
    trainer = Trainer(config, data)
    trainer.run_to_end()
    evaluation = evaluate(config, to_probabilities(config, trainer.raw_outputs(data.x_test)), data.y_test,
                          data.class_names)
    return make_record(number, config, trainer.history, trainer.last_result, evaluation.headline)


def runs(*configs):
    return tuple(trained(config, number) for number, config in enumerate(configs, start=1))


def details(verdict) -> str:
    return " ".join(part.detail for part in verdict.parts)


def test_the_course_is_ten_numbered_lessons_each_with_a_question_and_a_check():
    assert [lesson.number for lesson in LESSONS] == list(range(1, 11))
    for lesson in LESSONS:
        assert lesson.question.answers and set(lesson.question.answers) <= set(lesson.question.options)
        verdict = lesson.check(Evidence())  # nothing done yet: never passes, always says what to do
        assert not verdict.passed and all(part.detail for part in verdict.parts)
    keys = [q.key for lesson in LESSONS for q in (lesson.question, *lesson.questions())]
    assert len(keys) == len(set(keys))


def test_lesson_1_passes_on_the_circle_trained_to_the_end_and_not_on_a_short_run():
    lesson = BY_NUMBER[1]
    assert lesson.check(Evidence(runs(course.CIRCLE))).passed
    short = lesson.check(Evidence(runs(replace(course.CIRCLE, epochs=2, learning_rate=0.001))))
    assert not short.passed and "Your best finished run" in details(short)


def test_lesson_4_needs_a_linear_failure_and_a_fix_of_only_the_activations():
    lesson = BY_NUMBER[4]
    linear = trained(course.LINEAR_CIRCLE, 1)
    alone = lesson.check(Evidence((linear,)))
    assert alone.parts[0].passed and not alone.parts[1].passed  # a linear network on the circle fails the 2nd half
    assert "change only the hidden activations" in alone.parts[1].detail
    other = trained(replace(course.LINEAR_CIRCLE, hidden=RELU_8_8, learning_rate=0.02), 2)
    two_changes = lesson.check(Evidence((linear, other)))
    assert not two_changes.passed and "also changed learning rate" in two_changes.parts[1].detail
    fixed = trained(replace(course.LINEAR_CIRCLE, hidden=RELU_8_8), 3)
    assert lesson.check(Evidence((linear, other, fixed))).passed


def test_lesson_5_judges_the_typed_scores_and_a_multiclass_run():
    lesson = BY_NUMBER[5]
    sharp, flat = (5.0, 1.0, 0.0), (1.0, 0.5, 0.0)
    tries = tuple(SoftmaxTry(z, 1.0, tuple(float(p) for p in softmax(z))) for z in (flat, sharp))
    weak = lesson.check(Evidence(runs(course.SPIRAL_ARMS), softmax_tries=tries[:1]))
    assert not weak.parts[0].passed and "widen the gap" in weak.parts[0].detail
    assert not weak.parts[1].passed and "spiral arms need more hidden units" in weak.parts[1].detail
    good = lesson.check(Evidence(runs(replace(course.SPIRAL_ARMS, hidden=(HiddenLayer(8, "tanh"),) * 2)),
                                 softmax_tries=tries))
    assert good.passed


def test_lesson_6_passes_once_the_naive_loss_breaks_and_the_stable_one_does_not():
    lesson = BY_NUMBER[6]
    logits = np.array([2.0, -1.0, 0.5], dtype=np.float32)

    def tried(scale):
        result = compare(logits, 1, scale)
        return StabilityTry(scale, float(result.logits.max()), result.naive_loss, result.stable_loss)

    small = lesson.check(Evidence(stability_tries=(tried(1), tried(10))))
    assert not small.passed and "scale the logits further" in details(small)
    assert lesson.check(Evidence(stability_tries=(tried(1), tried(100)))).passed


def test_lesson_7_wants_the_exact_match_ratio():
    lesson = BY_NUMBER[7]
    short = lesson.check(Evidence(runs(replace(course.ZONES, epochs=2))))
    assert not short.passed and "every label must be right at once" in details(short)
    assert lesson.check(Evidence(runs(replace(course.ZONES, hidden=(HiddenLayer(16, "relu"),) * 2)))).passed


def test_lesson_8_needs_slow_and_wild_gradient_descent_and_a_faster_adam():
    lesson = BY_NUMBER[8]
    bowl = get_surface("bowl")

    def tried(kind, rate, steps):
        return surface_try(bowl, run_optimizer(bowl, kind, (-8.0, 1.5), rate, steps))

    slow, adam_slow = tried("sgd", 0.05, 250), tried("adam", 0.05, 250)
    first = lesson.check(Evidence(surface_tries=(slow, adam_slow)))
    assert [part.passed for part in first.parts] == [True, False, False]
    assert "give it a larger rate" in first.parts[2].detail
    wild, adam_fast = tried("sgd", 0.6, 250), tried("adam", 0.5, 250)
    assert wild.oscillated and adam_fast.arrived_at is not None
    assert lesson.check(Evidence(surface_tries=(slow, adam_slow, wild, adam_fast))).passed


def test_lesson_9_wants_the_course_network_to_90_percent():
    lesson = BY_NUMBER[9]
    wrong = lesson.check(Evidence(runs(replace(course.COURSE_MNIST, n_samples=2000, epochs=1,
                                               hidden=(HiddenLayer(8, "relu"),)))))
    assert not wrong.passed and "hidden layers 25 ReLU then 15 ReLU" in details(wrong)
    assert lesson.check(Evidence(runs(replace(course.COURSE_MNIST, n_samples=6000, epochs=10)))).passed


def test_lesson_10_confirms_each_fix_by_training():
    from nnplay.lessons.double_softmax_run import try_fix

    lesson = BY_NUMBER[10]
    broken = Evidence(runs(course.DIVERGING, course.LINEAR_XOR), double_softmax_tries=(try_fix("sigmoid_logits"),))
    verdict = lesson.check(broken)
    assert not any(part.passed for part in verdict.parts)
    assert "not below the broken model's floor" in verdict.parts[0].detail
    assert "diverged again" in verdict.parts[1].detail
    assert "still has only linear hidden layers" in verdict.parts[2].detail
    fixed = Evidence(runs(replace(course.DIVERGING, learning_rate=0.1), replace(course.LINEAR_XOR, hidden=RELU_8_8)),
                     double_softmax_tries=(try_fix("linear_logits"),))
    assert lesson.check(fixed).passed


@pytest.mark.parametrize("number", [2, 3])
def test_the_quizzes_pass_on_right_answers_and_explain_a_wrong_one(number):
    lesson = BY_NUMBER[number]
    questions = lesson.questions()
    right = {q.key: q.answers[0] for q in questions}
    assert lesson.check(Evidence(answers=right)).passed
    wrong_option = next(o for o in questions[0].options if o not in questions[0].answers)
    verdict = lesson.check(Evidence(answers=right | {questions[0].key: wrong_option}))
    assert not verdict.passed and verdict.missing[0].detail.startswith(f"Not **{wrong_option}**")


def test_the_activation_quiz_answers_are_computed():
    by_key = {q.key: q for q in BY_NUMBER[3].questions()}
    assert by_key["activations.slope"].answers == ("sigmoid",)
    assert by_key["activations.flat"].answers == ("ReLU",)
    assert by_key["activations.regression_nonneg"].answers == ("ReLU",)


def test_progress_reads_its_link_and_says_what_it_could_not_use():
    assert read_progress({"lesson": ["4"], "done": ["1,2,3"]}, 10) == (Progress(4, frozenset({1, 2, 3})), [])
    assert read_progress({}, 10) == (Progress(), [])
    place, warnings = read_progress({"lesson": ["99"], "done": ["1,x,12,2"]}, 10)
    assert place == Progress(1, frozenset({1, 2})) and len(warnings) == 2
    assert "lessons 1 to 10" in warnings[0]
    place, warnings = read_progress({"lesson": ["4" * 500], "done": ["1" * 5000]}, 10)
    assert place == Progress() and len(warnings) == 2
    assert Progress(4, frozenset({3, 1})).to_params() == {"lesson": "4", "done": "1,3"}


def test_a_playground_link_from_a_lesson_decodes_without_warnings():
    from nnplay.config.links import decode, encode

    config, warnings = decode(encode(course.LINEAR_CIRCLE) | {"lesson": "4"})
    assert warnings == [] and config == course.LINEAR_CIRCLE


def test_a_lab_remembers_each_try_once_and_only_the_latest():
    tries: list = []
    for n in range(40):
        remember(tries, n % 35)
    assert len(tries) == 30 and tries[-1] == 4 and len(set(tries)) == 30
