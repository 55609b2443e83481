"""The pytest plugin and what runs beside it: options, verdicts, the collector, the module order, the preflight."""

import os

# TensorFlow's C++ start-up chatter (CPU features, oneDNN) buries the test output; warnings stay. Set here, before
# any module of the harness imports TensorFlow.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
