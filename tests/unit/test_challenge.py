"""Challenge links: read like every nnplay link (hostile and impossible targets refused in words), and a
run judged on what it really reached, within the limits, replayable from its link."""

from __future__ import annotations

from dataclasses import replace

from nnplay.config.challenge import Challenge, judge, read_challenge
from nnplay.config.links import decode, encode
from nnplay.config.schema import HiddenLayer, PlaygroundConfig, default_config
from tests.unit.test_lessons import trained

CIRCLE = replace(PlaygroundConfig(), epochs=150)


def read(config=CIRCLE, **params):
    return read_challenge({key: [value] for key, value in params.items()}, config)


def test_a_challenge_round_trips_through_its_link_beside_the_setup():
    challenge = Challenge("accuracy", 0.97, max_units=8, max_epochs=300)
    params = encode(CIRCLE) | challenge.to_params()
    assert decode(params) == (CIRCLE, [])  # the setup's reader leaves the challenge's keys alone
    assert read(**challenge.to_params()) == (challenge, [])
    assert challenge.describe() == ("test accuracy at least 97.0%, with at most 8 hidden units in all and at most "
                                    "300 epochs")


def test_no_goal_is_no_challenge():
    assert read() == (None, [])


def test_hostile_and_impossible_targets_are_refused_in_words():
    cases = {
        ("<b>x</b>", "0.9"): "is not one nnplay knows",
        ("accuracy", "lots"): "must be a number",
        ("accuracy", "1.5"): "no model can score above 100.0%",
        ("loss", "0"): "a loss is never below 0",
        ("loss", "-3"): "a loss is never below 0",
        ("accuracy", "-0.5"): "outside what test accuracy can be",
        ("accuracy", "1e400"): "no model can score above",
        ("r2", "0.9"): "which a binary classification setup does not have",
        ("accuracy", "9" * 100): "must be a number",
    }
    for (goal, target), words in cases.items():
        challenge, warnings = read(goal=goal, target=target)
        assert challenge is None and len(warnings) == 1 and words in warnings[0], (goal, target, warnings)
    challenge, warnings = read(goal="accuracy", target="0.9", max_params="1")
    assert challenge is None and "even the smallest network" in warnings[0]
    challenge, warnings = read(goal="accuracy", target="0.9", max_units="-1", max_epochs="2.5")
    assert challenge == Challenge("accuracy", 0.9) and len(warnings) == 2


def test_a_run_is_judged_on_its_result_its_limits_and_whether_its_link_replays_it():
    small = trained(replace(CIRCLE, hidden=(HiddenLayer(6, "tanh"),), learning_rate=0.1))
    met = judge(Challenge("accuracy", 0.9, max_units=8, max_epochs=300), small)
    assert met.met, met.lines
    too_big = judge(Challenge("accuracy", 0.9, max_units=4), small)
    assert not too_big.met and too_big.lines[1] == (False, "6 hidden units (at most 4)")
    short = trained(replace(CIRCLE, epochs=2, learning_rate=0.001))
    assert not judge(Challenge("accuracy", 0.9), short).met
    loss = judge(Challenge("loss", 10.0), short)
    assert loss.met  # any trained classifier's test loss is below 10


def test_a_regression_challenge_reads_r2():
    config = replace(default_config("regression"), epochs=60, learning_rate=0.3)
    run = trained(config)
    challenge, _ = read(config, goal="r2", target="0.9")
    assert judge(challenge, run).met
