# The suite's plugin (experiments/harness/plugin.py), the order its modules run in (experiments/harness/ordering.py), and
# pytester for the harness's own tests of them.
pytest_plugins = ["experiments.harness.plugin", "experiments.harness.ordering", "pytester"]
