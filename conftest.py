# The suite's plugin (experiments/plugin.py), and pytester for the harness's own tests of it.
pytest_plugins = ["experiments.plugin", "pytester"]
