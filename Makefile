# Set-up and the two everyday commands. `make report` and `make test` create .venv on first use.
# On a GPU runner: make report TF_EXTRA=gpu PROFILE=full
PYTHON ?= python3
TF_EXTRA ?= cpu
PROFILE ?= smoke
JOBS ?= auto
VENV := .venv

.PHONY: report test preflight setup clean-venv

# Both run under pytest-xdist, one module to a worker, as many workers as experiments/run/threads.py's rule
# chooses for this machine (JOBS=N: N of them), each given its share of the cores as TensorFlow's threads.
report: $(VENV)/installed
	$(VENV)/bin/pytest checks --profile $(PROFILE) -n $(JOBS) --dist loadfile --no-loadscope-reorder

# The modules that share trained runs read them from the run cache: a run two workers need is trained by one while
# the other waits for it, and seeds both need are trained side by side (experiments/run/training.py's train_all). The
# modules are taken in collection order, which experiments/harness/ordering.py makes the longest first.
test: $(VENV)/installed
	$(VENV)/bin/pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder

# On a new GPU runner, first: the GPU is seen, training is deterministic, the downloads answer, and the
# full profile's projected wall time beside the nightly workflow's limit.
preflight: $(VENV)/installed
	$(VENV)/bin/python -m experiments.harness.preflight

setup: $(VENV)/installed

$(VENV)/installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[$(TF_EXTRA)]"
	# Keras 2 for section 1's second column (experiments/instruments/generations.py), the minor version of
	# TensorFlow's; without its dependencies, whose tensorflow requirement tensorflow-cpu meets under another name.
	$(VENV)/bin/pip install --quiet --no-deps "tf-keras==2.21.*"
	touch $@

clean-venv:
	rm -rf $(VENV)
