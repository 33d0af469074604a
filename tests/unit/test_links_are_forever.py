"""Links, TF Playground links and config files made before a change still open to the same setup
and train to the same curve, digit for digit.

- golden/links_v1_before_issue_10.json: 14 v=1 links written at commit 92b10cd (before issue 10).
- golden/links_v1_before_issue_11.json: 41 records written at commit 781bafc (before issue 11's
  move of the code into packages): 29 nnplay links (24 made by the app's encoder, 5 hand-made with
  bad, repeated or oddly cased values), 6 TF Playground links (2 with values that get repaired) and
  6 config JSON files; each with the config it decoded to, the warnings it gave, and (where the data
  is the same on every machine: toy data and embedded CSVs, not MNIST) the 15-epoch curve.

Each record is decoded by today's code and trained again. (Recorded on this machine class,
TensorFlow 2.21 on an x86-64 CPU.)
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from nnplay.config.links import from_query_string
from nnplay.config.schema import PlaygroundConfig, config_from_json
from nnplay.config.tf_playground import from_tf_playground
from nnplay.data.load import load_dataset
from nnplay.engine.training import Trainer

GOLDEN = Path(__file__).parent / "golden"
BEFORE_10 = json.loads((GOLDEN / "links_v1_before_issue_10.json").read_text())
BEFORE_11 = json.loads((GOLDEN / "links_v1_before_issue_11.json").read_text())
TRAINED_EPOCHS = 15  # every record trained this many epochs (imported links had theirs replaced)


def opened(record: dict) -> tuple[PlaygroundConfig, list[str]]:
    kind = record.get("kind") or ("tf_playground" if "playground.tensorflow.org" in record["link"] else "link")
    if kind == "config_json":
        return config_from_json(record["link"]), []
    return (from_tf_playground if kind == "tf_playground" else from_query_string)(record["link"])


def trained_curve(config: PlaygroundConfig, record: dict) -> str:
    csv = record["csv"].encode() if record["csv"] else None
    trainer = Trainer(replace(config, epochs=TRAINED_EPOCHS), load_dataset(config, csv))
    trainer.run_to_end()
    return trainer.history.to_csv()


@pytest.mark.parametrize("record", BEFORE_10, ids=[r["name"] for r in BEFORE_10])
def test_a_link_from_before_issue_10_opens_to_the_same_setup_and_trains_to_the_same_curve(record):
    config = replace(opened(record)[0], epochs=TRAINED_EPOCHS)
    assert config == replace(PlaygroundConfig.from_dict(record["config"]), epochs=TRAINED_EPOCHS)
    assert json.loads(json.dumps(config.to_dict())) | {"epochs": 0} == record["config"] | {"epochs": 0}
    assert trained_curve(config, record) == record["history"]


@pytest.mark.parametrize("record", BEFORE_11, ids=[r["name"] for r in BEFORE_11])
def test_a_link_or_file_from_before_issue_11_opens_to_the_same_setup_and_trains_to_the_same_curve(record):
    config, warnings = opened(record)
    assert json.loads(json.dumps(config.to_dict())) == record["config"]
    assert warnings == record["warnings"]
    if record["history"] is not None:
        assert trained_curve(config, record) == record["history"]


def test_the_records_are_varied():
    """What the fixed list covers, so that a later edit cannot quietly shrink it."""
    kinds = [r["kind"] for r in BEFORE_11]
    assert len(BEFORE_11) >= 20 and {"link", "tf_playground", "config_json"} <= set(kinds)
    configs = [r["config"] for r in BEFORE_11]
    assert {c["task"] for c in configs} == {"binary", "multiclass", "multilabel", "regression", "regression_nonneg"}
    assert {c["optimizer"] for c in configs} >= {"sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"}
    assert {c["dataset"] for c in configs} >= {"circle", "xor", "gauss", "spiral", "moons", "blobs", "spiral_arms",
                                               "zones", "plane", "bump", "distance", "mnist", "csv"}
