# pytester's in-process runs put sys.modules back as they found it, and TensorFlow aborts the
# process when it is imported a second time: import it once, before any of those runs.
import tensorflow  # noqa: F401
