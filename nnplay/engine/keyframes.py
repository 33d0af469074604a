"""The model's weights at chosen epochs of its training, so a learner can rewind and look again.

About 200 keyframes a run, dense where most happens: every epoch at first, then ever wider gaps
(a gap of about epoch / DENSITY): 300 epochs keep 140, 1,000 keep 190, 5,000 keep 254. Memory is capped:
past MAX_BYTES (or MAX_KEYFRAMES) every second keyframe goes and the gaps double, so a big MNIST
network keeps fewer, never more than the cap. Plain numpy: the arrays are copies, safe to read from
the page while the training thread goes on; the (epoch, weights) pairs live in one list that a
thinning replaces whole, so a reader never sees an epoch with another epoch's weights.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

DENSITY = 40  # gap ≈ epoch / DENSITY: the first 80 epochs are all kept
MAX_KEYFRAMES = 400
MAX_BYTES = 16 * 2**20  # per trainer; a [4, 2] network's keyframe is ~0.2 KB, MNIST 784-25-15-10's ~80 KB


@dataclass
class Keyframes:
    max_bytes: int = MAX_BYTES
    max_count: int = MAX_KEYFRAMES
    frames: list[tuple[int, list[np.ndarray]]] = field(default_factory=list)  # (epoch, weights), epochs ascending
    _spread: int = 1  # doubles at each thinning

    @property
    def epochs(self) -> list[int]:
        return [epoch for epoch, _ in self.frames]

    @property
    def last_epoch(self) -> int | None:
        frames = self.frames
        return frames[-1][0] if frames else None

    def due(self, epoch: int) -> bool:
        """Whether the weights after `epoch` epochs should be kept (always the first offered)."""
        last = self.last_epoch
        if last is None:
            return True
        if epoch <= last:
            return False
        return epoch - last >= max(1, epoch // DENSITY) * self._spread

    def due_in(self, epoch: int) -> int:
        """How many epochs after `epoch` the next keyframe is due: a trainer training in chunks
        cuts them there, so fast runs keep their early epochs as densely as slow ones."""
        later = epoch + 1
        while not self.due(later):
            later += 1
        return later - epoch

    def offer(self, epoch: int, weights) -> bool:
        """Keep a copy of `weights` (model.get_weights()) as the model after `epoch` epochs, if due."""
        if not self.due(epoch):
            return False
        self.keep(epoch, weights)
        return True

    def keep(self, epoch: int, weights) -> None:
        """Keep the weights after `epoch` epochs whether due or not (a run's last epoch)."""
        last = self.last_epoch
        if last is not None and last >= epoch:
            return
        self.frames.append((epoch, [np.array(w, copy=True) for w in weights]))
        while len(self.frames) > 2 and (len(self.frames) > self.max_count or self.nbytes > self.max_bytes):
            self._thin()

    def _thin(self) -> None:
        """Drop every second keyframe between the first and the last; gaps double from now on."""
        frames = self.frames
        keep = sorted(set(range(0, len(frames), 2)) | {len(frames) - 1})
        self.frames = [frames[i] for i in keep]
        self._spread *= 2

    @property
    def nbytes(self) -> int:
        return sum(w.nbytes for _, weights in self.frames for w in weights)

    def __len__(self) -> int:
        return len(self.frames)

    def at(self, epoch: int) -> tuple[int, list[np.ndarray]]:
        """The keyframe at `epoch`, or the latest one before it: (its epoch, its weights)."""
        frames = self.frames  # one list: a thinning in the training thread replaces it whole
        if not frames:
            raise LookupError("no keyframes yet")
        index = max(0, bisect.bisect_right([e for e, _ in frames], epoch) - 1)
        return frames[index]
