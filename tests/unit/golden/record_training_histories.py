"""Record the Trainer's curves for GOLDEN_CONFIGS into training_histories.json.

Run only when a change to the curves is intended (links are forever: it should never be):
    python -m tests.unit.golden.record_training_histories
"""

import json
import os
from pathlib import Path

from tests.conftest import SHARED_MNIST
from tests.unit.golden.configs import GOLDEN_CONFIGS, GOLDEN_EPOCHS, golden_history

OUT = Path(__file__).with_name("training_histories.json")

if __name__ == "__main__":
    os.environ["NNPLAY_MNIST_DIR"] = str(SHARED_MNIST)
    histories = {name: golden_history(name) for name in GOLDEN_CONFIGS}
    OUT.write_text(json.dumps(histories, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(histories)} histories ({GOLDEN_EPOCHS} epochs each) to {OUT}")
