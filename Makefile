# Set-up and the two everyday commands. `make report` and `make test` create .venv on first use.
# On a GPU runner: make report TF_EXTRA=gpu PROFILE=full
PYTHON ?= python3
TF_EXTRA ?= cpu
PROFILE ?= smoke
VENV := .venv

.PHONY: report test setup clean-venv

report: $(VENV)/installed
	$(VENV)/bin/pytest checks --profile $(PROFILE)

test: $(VENV)/installed
	$(VENV)/bin/pytest

setup: $(VENV)/installed

$(VENV)/installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[$(TF_EXTRA)]"
	touch $@

clean-venv:
	rm -rf $(VENV)
