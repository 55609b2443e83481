# The suite's plugin (experiments/plugin.py), the order its modules run in (experiments/ordering.py), and
# pytester for the harness's own tests of them.
pytest_plugins = ["experiments.plugin", "experiments.ordering", "pytester"]
