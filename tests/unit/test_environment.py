"""The operator's environment variables: a whole number in range is used, anything else is ignored
with a warning (a typo must not lift a limit or stop the server), and the MNIST cap follows it."""

import logging
import os
import subprocess
import sys

import pytest

from nnplay.config.environment import env_count


@pytest.mark.parametrize("text, expected", [("7", 7), (" 12 ", 12), ("", 3), ("0", 3), ("-4", 3), ("2.5", 3),
                                            ("lots", 3), ("101", 3)])
def test_env_count_uses_whole_numbers_in_range_only(monkeypatch, caplog, text, expected):
    monkeypatch.setenv("NNPLAY_TEST_COUNT", text)
    with caplog.at_level(logging.WARNING):
        assert env_count("NNPLAY_TEST_COUNT", 3, low=1, high=100) == expected
    assert ("not a whole number" in caplog.text) == (text.strip() not in ("", "7", "12"))


def test_a_server_may_cap_mnist_below_all_of_it():
    code = "from nnplay.config.schema import CAPS; print(CAPS['n_samples_real'])"
    for value, expected in (("20000", "(20, 20000)"), ("999999", "(20, 70000)"), ("x", "(20, 70000)")):
        env = dict(os.environ, NNPLAY_MAX_MNIST_SAMPLES=value)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected
