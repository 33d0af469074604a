"""Each lesson's check: a function Evidence -> Verdict that judges what the learner really trained or
tried (the Playground's runs, the labs' tries, quiz answers), never a self-report, and says what is
still missing. The targets are constants here, so a lesson's text and its check quote the same number."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import Any

from nnplay.config.catalog import DATASETS, dataset_label
from nnplay.config.links import normalize
from nnplay.config.schema import FIELD_LABELS, PlaygroundConfig, optimizer_fields
from nnplay.lessons.evidence import Evidence
from nnplay.lessons.records import Part, Question, Verdict

# ----------------------------------------------------------------------------- targets
THREE_STEPS_ACCURACY = 0.90
LINEAR_FAILS_BELOW = 0.80  # a linear network on data no straight line separates stays below this
NONLINEAR_ACCURACY = 0.95
LEAST_EPOCHS_TO_FAIL = 50  # a failure only counts after a fair try
SOFTMAX_TOP = 0.90  # lesson 5: the top probability the typed scores must reach ...
SOFTMAX_MAX_SCORE = 5.0  # ... with no score larger than this in size
SOFTMAX_LEAST_CLASSES = 3
MULTICLASS_ACCURACY = 0.90
MULTILABEL_EXACT_MATCH = 0.85
SURFACE = "bowl"  # lesson 8's elongated cost surface
SLOW_ONWARD_SHARE = 0.90  # "slow, same direction": this share of its steps along the valley head onward
MNIST_ACCURACY = 0.90
COURSE_MNIST_HIDDEN = ((25, "relu"), (15, "relu"))
COURSE_MNIST_RATE = 1e-3
DEBUG_R2 = 0.95
DEBUG_ACCURACY = 0.95

ALWAYS_FREE = ("epochs",)  # how long it trains is never "another change"


# ----------------------------------------------------------------------------- about runs
def headline(run: Any) -> tuple[str, float] | None:
    """The run's main test metric as (words, value): accuracy, exact match or R²."""
    final = run.final
    for name, words in (("accuracy", "test accuracy"), ("exact_match", "test exact match"), ("r2", "test R²")):
        if name in final:
            return words, float(final[name])
    return None


def score(run: Any, metric: str) -> float:
    value = run.final.get(metric)
    return float(value) if value is not None else float("nan")


def epochs_of(run: Any) -> int:
    return run.history.epoch[-1] if len(run.history) else 0


def named(run: Any) -> str:
    """'run #3 (Adam lr=0.01 [8relu-8relu], circle)' — as the run history lists it."""
    return f"run {run.label.split(' ', 1)[0]} ({run.label.split(' ', 1)[1]}, {dataset_label(run.config.dataset)})"


def result_text(run: Any) -> str:
    found = headline(run)
    if found is None:
        what = ""
    elif found[0] == "test R²":
        what = f"test R² {found[1]:.3f}"
    else:
        what = f"{found[0]} {found[1]:.1%}"
    ended = {"finished": "", "diverged": ", it diverged", "stopped": ", stopped early",
             "time_budget": ", cut short by the time limit", "abandoned": ", its page was closed"}
    return f"{what} after {epochs_of(run)} epochs{ended.get(run.result.status, '')}"


def best(runs: Iterable[Any], metric: str) -> Any | None:
    scored = [run for run in runs if run.final.get(metric) is not None]
    return max(scored, key=lambda run: (score(run, metric), run.number)) if scored else None


def other_changes(run_config: PlaygroundConfig, reference: PlaygroundConfig, free: Sequence[str]) -> list[str]:
    """The fields in which two setups differ, besides `free` ones (and how long they train)."""
    a, b = normalize(run_config), normalize(reference)
    free = set(free) | set(ALWAYS_FREE)
    return [f.name for f in fields(PlaygroundConfig) if f.name not in free and getattr(a, f.name) != getattr(b, f.name)]


def all_linear(config: PlaygroundConfig) -> bool:
    return bool(config.hidden) and all(layer.activation == "linear" for layer in config.hidden)


def only_activations_differ(config: PlaygroundConfig, reference: PlaygroundConfig) -> bool:
    same_layers = [layer.units for layer in config.hidden] == [layer.units for layer in reference.hidden]
    return same_layers and not other_changes(config, reference, ("hidden",))


def no_run_yet(where: str = "the Playground") -> str:
    return f"No run in this session yet: press **Open** to go to {where} with the lesson's setup, then **Train**."


def missing_field_words(names: Sequence[str]) -> str:
    """Config fields in the words the Playground's controls use."""
    return ", ".join(FIELD_LABELS.get(name, name).lower() for name in names)


def best_reaches(label: str, runs: Sequence[Any], metric: str, target: float, hint: str,
                 none: str | None = None, best_of: str = "Your best") -> Part:
    """The part "some run reaches `target` on `metric`": the best run passes, or is named with `hint`."""
    top = best(runs, metric)
    if top is not None and score(top, metric) >= target:
        return Part(label, True, f"{named(top)}: {result_text(top)}.")
    if top is not None:
        return Part(label, False, f"{best_of}, {named(top)}, reached {result_text(top)}: {hint}")
    return Part(label, False, none or no_run_yet())


# ----------------------------------------------------------------------------- quizzes
def quiz_parts(questions: Sequence[Question], answers: dict[str, str]) -> tuple[Part, ...]:
    parts = []
    for question in questions:
        chosen = answers.get(question.key)
        if chosen is None:
            parts.append(Part(question.prompt, False, "Not answered yet."))
        elif question.is_right(chosen):
            parts.append(Part(question.prompt, True, f"**{chosen}** — right. {question.why}"))
        else:
            parts.append(Part(question.prompt, False, f"Not **{chosen}**. {question.why}"))
    return tuple(parts)


def quiz_check(questions: Callable[[], Sequence[Question]]) -> Callable[[Evidence], Verdict]:
    def check(evidence: Evidence) -> Verdict:
        return Verdict(quiz_parts(questions(), evidence.answers))

    return check


# ----------------------------------------------------------------------------- 1. the three steps
def check_three_steps(evidence: Evidence) -> Verdict:
    label = f"A classifier trained to the end, at least {THREE_STEPS_ACCURACY:.0%} test accuracy"
    finished = [run for run in evidence.runs if run.result.status == "finished" and "accuracy" in run.final]
    unfinished = ("None of your runs has trained a classifier to its last epoch: let one finish (do not press Stop)."
                  if evidence.runs else None)
    return Verdict((best_reaches(label, finished, "accuracy", THREE_STEPS_ACCURACY,
                                 "train it longer or give it more units.", unfinished, "Your best finished run"),))


# ----------------------------------------------------------------------------- 4. why non-linear
def _not_separable(run: Any) -> bool:
    record = DATASETS.get(run.config.dataset)
    return record is not None and record.is_toy and not record.linearly_separable and "accuracy" in run.final


def check_why_nonlinear(evidence: Evidence) -> Verdict:
    fail_label = (f"Linear hidden layers fail: below {LINEAR_FAILS_BELOW:.0%} test accuracy on data no straight "
                  f"line separates, after at least {LEAST_EPOCHS_TO_FAIL} epochs")
    fix_label = (f"One change — the hidden activations, nothing else — reaches at least {NONLINEAR_ACCURACY:.0%}")
    linear = [run for run in evidence.runs if _not_separable(run) and all_linear(run.config)]
    failed = [run for run in linear
              if epochs_of(run) >= LEAST_EPOCHS_TO_FAIL and score(run, "accuracy") < LINEAR_FAILS_BELOW]
    if failed:
        fail = Part(fail_label, True, f"{named(failed[-1])}: {result_text(failed[-1])}.")
    elif linear:
        run = linear[-1]
        why = (f"trained only {epochs_of(run)} epochs" if epochs_of(run) < LEAST_EPOCHS_TO_FAIL
               else f"reached {score(run, 'accuracy'):.1%}, so it did not fail clearly — use the circle or xor")
        fail = Part(fail_label, False, f"{named(run)} {why}.")
    else:
        fail = Part(fail_label, False, "No run with only linear hidden layers on a non-linear dataset (circle, xor, "
                                       "spiral, moons) yet: open the lesson's setup and train it as it is.")
    fixes = [(run, broken) for broken in failed for run in evidence.runs
             if run is not broken and not all_linear(run.config) and only_activations_differ(run.config, broken.config)]
    good = [(run, broken) for run, broken in fixes if score(run, "accuracy") >= NONLINEAR_ACCURACY]
    if good:
        run, broken = good[-1]
        fix = Part(fix_label, True, f"{named(run)}: {result_text(run)}, against {score(broken, 'accuracy'):.1%} "
                                    "with linear layers.")
    elif fixes:
        run, _ = fixes[-1]
        fix = Part(fix_label, False, f"{named(run)} changed only the activations but reached {result_text(run)}: "
                                     "train it longer, or try ReLU or tanh.")
    elif failed:
        dataset = failed[-1].config.dataset
        near = [run for run in evidence.runs if not all_linear(run.config) and run.config.dataset == dataset]
        extra = ""
        if near:
            changed = other_changes(near[-1].config, failed[-1].config, ("hidden",))
            extra = (f" {named(near[-1])} also changed {missing_field_words(changed)}." if changed
                     else f" {named(near[-1])} also changed the number of units or layers.")
        fix = Part(fix_label, False, "Now change only the hidden activations (say linear → ReLU) of the failed run, "
                                     f"keep everything else, and train again.{extra}")
    else:
        fix = Part(fix_label, False, "First let a linear network fail; then change only its activations.")
    return Verdict((fail, fix))


# ----------------------------------------------------------------------------- 5. softmax
def check_softmax(evidence: Evidence) -> Verdict:
    scores_label = (f"Scores you typed into softmax (at least {SOFTMAX_LEAST_CLASSES}, none larger than "
                    f"{SOFTMAX_MAX_SCORE:g} in size, T = 1) give one class at least {SOFTMAX_TOP:.0%}")
    fair = [t for t in evidence.softmax_tries
            if len(t.logits) >= SOFTMAX_LEAST_CLASSES and t.temperature == 1.0
            and max(abs(z) for z in t.logits) <= SOFTMAX_MAX_SCORE]
    hits = [t for t in fair if max(t.probabilities) >= SOFTMAX_TOP]
    if hits:
        t = hits[-1]
        shown = ", ".join(f"{z:g}" for z in t.logits)
        scores = Part(scores_label, True, f"Scores {shown} → top probability {max(t.probabilities):.3f}; the "
                                          f"probabilities sum to {sum(t.probabilities):.6f}.")
    elif fair:
        t = fair[-1]
        scores = Part(scores_label, False, f"Your last scores give the top class {max(t.probabilities):.1%}. Only the "
                                           "gaps between scores matter: widen the gap between the top score and "
                                           "the others.")
    elif evidence.softmax_tries:
        scores = Part(scores_label, False, f"Keep the temperature at 1, at least {SOFTMAX_LEAST_CLASSES} scores, and "
                                           f"every score between −{SOFTMAX_MAX_SCORE:g} and {SOFTMAX_MAX_SCORE:g}.")
    else:
        scores = Part(scores_label, False,
                      "Open the Activation Lab and type scores into *Softmax on a vector you edit*.")
    run_label = (f"A multiclass network on toy data with at least {SOFTMAX_LEAST_CLASSES} classes reaches "
                 f"{MULTICLASS_ACCURACY:.0%} test accuracy")
    multiclass = [run for run in evidence.runs if run.config.task == "multiclass" and run.config.is_toy
                  and run.config.n_classes >= SOFTMAX_LEAST_CLASSES]
    trained = best_reaches(run_label, multiclass, "accuracy", MULTICLASS_ACCURACY,
                           "the spiral arms need more hidden units (try 8 and 8).")
    return Verdict((scores, trained))


# ----------------------------------------------------------------------------- 6. from_logits
OVERFLOW_AT = 88.72  # float32's e^z is infinite past z = ln(3.4e38)


def check_from_logits(evidence: Evidence) -> Verdict:
    label = "A logit scale at which softmax-then-log breaks (inf or NaN) while from_logits=True stays finite"
    broke = [t for t in evidence.stability_tries if t.naive_broke and t.stable_loss == t.stable_loss
             and abs(t.stable_loss) != float("inf")]
    if broke:
        t = min(broke, key=lambda t: t.largest_logit)
        return Verdict((Part(label, True, f"At ×{t.scale:g} the largest logit is {t.largest_logit:.0f}: the naive loss "
                                          f"is {t.naive_loss}, the stable one {t.stable_loss:.4g}."),))
    if evidence.stability_tries:
        largest = max(t.largest_logit for t in evidence.stability_tries)
        return Verdict((Part(label, False, f"The largest logit you have tried is {largest:.0f}, and e^z only overflows "
                                           f"float32 past z ≈ {OVERFLOW_AT:.0f}: scale the logits further."),))
    return Verdict((Part(label, False, "Open the Softmax Inspector, inspect a multiclass model and try the scales "
                                       "under *Why from_logits=True*."),))


# ----------------------------------------------------------------------------- 7. multi-label
def check_multilabel(evidence: Evidence) -> Verdict:
    label = (f"A multi-label network gets every label of a test example right at least "
             f"{MULTILABEL_EXACT_MATCH:.0%} of the time")
    multilabel = [run for run in evidence.runs if run.config.task == "multilabel"]
    return Verdict((best_reaches(label, multilabel, "exact_match", MULTILABEL_EXACT_MATCH,
                                 "every label must be right at once, so each must be nearly always right — give "
                                 "it more units."),))


# ----------------------------------------------------------------------------- 8. Adam vs gradient descent
def check_adam_vs_gd(evidence: Evidence) -> Verdict:
    tries = [t for t in evidence.surface_tries if t.surface == SURFACE]
    slow_label = "Gradient descent with a learning rate too small: slow, every step along the valley the same way"
    fast_label = "Gradient descent with a learning rate too large: it zig-zags or diverges"
    adam_label = "Adam reaches the minimum in fewer steps than the slow gradient descent ran"
    gd = [t for t in tries if t.kind == "sgd"]
    slow = [t for t in gd if t.diverged_at is None and t.arrived_at is None and not t.oscillated
            and t.onward_share >= SLOW_ONWARD_SHARE]
    wild = [t for t in gd if t.diverged_at is not None or t.oscillated]
    where = "Open the Optimizer Lab on the elongated bowl"
    if slow:
        t = slow[-1]
        slow_part = Part(slow_label, True, f"lr = {t.learning_rate:g}: {t.progress:.0%} of the way in {t.steps} steps, "
                                           f"{t.onward_share:.0%} of its steps along w₁ heading the same way.")
    else:
        hint = " Your gradient-descent runs so far arrived or zig-zagged: try lr = 0.05." if gd else ""
        slow_part = Part(slow_label, False, f"{where} and run gradient descent with a small learning rate.{hint}")
    if wild:
        t = wild[-1]
        what = (f"diverged at step {t.diverged_at}" if t.diverged_at is not None
                else f"{t.flip_share:.0%} of its steps across w₂ flip direction")
        fast_part = Part(fast_label, True, f"lr = {t.learning_rate:g}: {what}.")
    else:
        fast_part = Part(fast_label, False, f"{where} and raise gradient descent's learning rate until it zig-zags "
                                            "(past 0.5 on this bowl) or flies off (past 1).")
    adam = [t for t in tries if t.kind == "adam" and t.arrived_at is not None]
    beaten = [(a, s) for a in adam for s in slow if a.arrived_at < s.steps]
    if beaten:
        a, s = beaten[-1]
        adam_part = Part(adam_label, True, f"Adam (lr = {a.learning_rate:g}) arrived at step {a.arrived_at}; gradient "
                                           f"descent at lr = {s.learning_rate:g} had not arrived after {s.steps}.")
    elif adam:
        adam_part = Part(adam_label, False, f"Adam arrived at step {adam[-1].arrived_at}; now run a slow gradient "
                                            "descent beside it, for more steps than that.")
    elif any(t.kind == "adam" for t in tries):
        t = [t for t in tries if t.kind == "adam"][-1]
        adam_part = Part(adam_label, False, f"Adam at lr = {t.learning_rate:g} covered {t.progress:.0%} of the way in "
                                            f"{t.steps} steps without arriving. Its steps are about lr in size, "
                                            "whatever the gradient: give it a larger rate, such as 0.5.")
    else:
        adam_part = Part(adam_label, False, "Add Adam to the optimizers on the bowl and run it until it reaches the "
                                            "minimum (give it enough steps).")
    return Verdict((slow_part, fast_part, adam_part))


# ----------------------------------------------------------------------------- 9. the course's MNIST network
def is_course_mnist(config: PlaygroundConfig) -> list[str]:
    """What differs from the course's MNIST network (empty when it is that network)."""
    wrong = []
    if config.dataset != "mnist" or config.task != "multiclass":
        wrong.append("train on MNIST digits, task multiclass")
    if tuple((layer.units, layer.activation) for layer in config.hidden) != COURSE_MNIST_HIDDEN:
        wrong.append("hidden layers 25 ReLU then 15 ReLU")
    if not config.uses_logits:
        wrong.append("a linear output with from_logits=True")
    if config.optimizer != "adam" or abs(config.learning_rate - COURSE_MNIST_RATE) > 1e-12:
        wrong.append("Adam with learning rate 0.001")
    return wrong


def check_mnist(evidence: Evidence) -> Verdict:
    label = (f"The course's network (25 → 15 → 10, from_logits, Adam 1e-3) reaches {MNIST_ACCURACY:.0%} test "
             "accuracy on MNIST")
    course = [run for run in evidence.runs if not is_course_mnist(run.config)]
    if course:
        return Verdict((best_reaches(label, course, "accuracy", MNIST_ACCURACY,
                                     "train more epochs, or on more images."),))
    mnist = [run for run in evidence.runs if run.config.dataset == "mnist"]
    if mnist:
        return Verdict((Part(label, False, f"{named(mnist[-1])} is not the course's network: "
                                           f"{'; '.join(is_course_mnist(mnist[-1].config))}."),))
    return Verdict((Part(label, False, no_run_yet()),))


# ----------------------------------------------------------------------------- 10. debug this network
def fixed_runs(evidence: Evidence, broken: PlaygroundConfig, free: Sequence[str]) -> list[Any]:
    """Runs of the broken setup with only `free` fields changed (the broken one itself included)."""
    return [run for run in evidence.runs if not other_changes(run.config, broken, free)]


def debug_learning_rate(evidence: Evidence, broken: PlaygroundConfig) -> Part:
    label = f"The diverging learning rate fixed: the same network reaches test R² {DEBUG_R2:g} without diverging"
    free = ("optimizer", "learning_rate", *optimizer_fields())
    runs = fixed_runs(evidence, broken, free)
    good = [run for run in runs if run.result.status != "diverged" and score(run, "r2") >= DEBUG_R2]
    if good:
        return Part(label, True, f"{named(good[-1])}: {result_text(good[-1])} (it started at learning rate "
                                 f"{broken.learning_rate:g}).")
    if runs:
        run = runs[-1]
        if run.result.status == "diverged":
            return Part(label, False, f"{named(run)} diverged again at epoch {run.result.diverged_epoch}: lower the "
                                      "learning rate further (ten times smaller is a good step).")
        return Part(label, False, f"{named(run)} reached {result_text(run)}: close — train longer or nudge the rate.")
    return Part(label, False, "Open the second broken setup, train it to see it diverge, then change only the "
                              "optimizer's settings.")


def debug_linear(evidence: Evidence, broken: PlaygroundConfig) -> Part:
    label = f"The linear hidden layers fixed: the same data and optimizer reach {DEBUG_ACCURACY:.0%} test accuracy"
    runs = fixed_runs(evidence, broken, ("hidden",))
    good = [run for run in runs if not all_linear(run.config) and score(run, "accuracy") >= DEBUG_ACCURACY]
    if good:
        return Part(label, True, f"{named(good[-1])}: {result_text(good[-1])}.")
    if runs:
        run = runs[-1]
        if all_linear(run.config):
            return Part(label, False, f"{named(run)} still has only linear hidden layers ({result_text(run)}): a stack "
                                      "of linear layers is one linear layer, whatever its size.")
        return Part(label, False, f"{named(run)} reached {result_text(run)}: train longer or add units.")
    return Part(label, False, "Open the third broken setup and fix its hidden layers (only them).")


def debug_double_softmax(evidence: Evidence, right_fixes: Sequence[str]) -> Part:
    label = "The softmax under from_logits=True fixed: the fix trains to a loss the broken model can never reach"
    tries = list(evidence.double_softmax_tries)
    good = [t for t in tries if t.fix in right_fixes and min(t.fixed_losses) < t.broken_floor
            and t.fixed_accuracy >= DEBUG_ACCURACY]
    if good:
        t = good[-1]
        return Part(label, True, f"Your fix reached loss {min(t.fixed_losses):.3f} and test accuracy "
                                 f"{t.fixed_accuracy:.1%}; the broken model cannot go below {t.broken_floor:.3f} "
                                 f"(it reached {min(t.broken_losses):.3f}).")
    if tries:
        t = tries[-1]
        return Part(label, False, f"That fix still trains to {min(t.fixed_losses):.3f}, not below the broken "
                                  f"model's floor of {t.broken_floor:.3f}: the probabilities still go through "
                                  "softmax twice, or through the wrong function.")
    return Part(label, False, "Choose a fix for the first broken model below and train it.")
