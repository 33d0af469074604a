"""v=1 links made before issue 10's change still open to the same setup and train to the same curve.

tests/unit/golden/links_v1_before_issue_10.json was written at commit 92b10cd (the code before
that change) by encoding varied setups as links, decoding them, and training each for 15 epochs;
a TF Playground link and a hand-made link with repaired values are in it too. Here each link is
decoded by today's code and trained again: the setup and every digit of the curve must match.
(Recorded on this machine class, TensorFlow 2.21 on an x86-64 CPU.)
"""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from nnplay.config import PlaygroundConfig
from nnplay.datasets import load_dataset
from nnplay.training import Trainer
from nnplay.urlstate import from_query_string, from_tf_playground

RECORDS = json.loads((Path(__file__).parent / "golden" / "links_v1_before_issue_10.json").read_text())
TRAINED_EPOCHS = 15  # every record trained this many epochs (imported links had theirs replaced)


def opened(link: str) -> PlaygroundConfig:
    config, _ = from_tf_playground(link) if "playground.tensorflow.org" in link else from_query_string(link)
    return config


@pytest.mark.parametrize("record", RECORDS, ids=[r["name"] for r in RECORDS])
def test_an_old_link_opens_to_the_same_setup_and_trains_to_the_same_curve(record):
    config = replace(opened(record["link"]), epochs=TRAINED_EPOCHS)
    assert config == replace(PlaygroundConfig.from_dict(record["config"]), epochs=TRAINED_EPOCHS)
    assert json.loads(json.dumps(config.to_dict())) | {"epochs": 0} == record["config"] | {"epochs": 0}
    csv = record["csv"].encode() if record["csv"] else None
    trainer = Trainer(config, load_dataset(config, csv))
    trainer.run_to_end()
    assert trainer.history.to_csv() == record["history"]
