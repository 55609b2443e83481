pytest_plugins = ["experiments.plugin"]
