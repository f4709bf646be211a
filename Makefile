# greenplan — `make help` lists the targets.
# On a fresh machine `make report` and `make test` do all the set-up themselves.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
JOBS        ?= 2
AS_OF       ?=
DEST        ?=

# `make data` and the system-package check are skipped when their inputs did not change
# (stamp files), so that `make report` with nothing to do starts Python only once.
# The folders themselves are inputs too: adding or deleting a file changes their time.
DATA_DIRS   := data/raw data/reference data/monitoring
DATA_INPUTS := $(wildcard $(addsuffix /*,$(DATA_DIRS))) $(wildcard $(DATA_DIRS)) \
               $(shell find greenlib -name '*.py' -not -path '*/__pycache__/*' 2>/dev/null)
DATA_STAMP  := build/data/.made
SYSDEPS_STAMP := $(VENV)/.sysdeps-ok

.PHONY: help setup sysdeps data report publish lab test lint bench monitoring-template clean FORCE

help: ## List the targets with one line each
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@echo ">> creating $(VENV) and installing greenlib with its dependencies"
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

setup: $(STAMP) ## Create .venv/ and install greenlib (pip, no conda needed)

sysdeps: ## Check (and, as root with apt-get, install) Chromium, CJK fonts and poppler-utils
	@bash tools/sysdeps.sh

data: $(DATA_STAMP) ## Clean the plan into build/data/ (CSV contract, plan.xlsx, quality report, status.csv)

# (rebuilt as well when the contract's main table is missing, whatever the stamp says)
$(DATA_STAMP): $(STAMP) $(DATA_INPUTS) $(if $(wildcard build/data/tasks.csv),,FORCE)
	$(PY) -m greenlib data
	@touch $@

FORCE:

$(SYSDEPS_STAMP): tools/sysdeps.sh
	@bash tools/sysdeps.sh
	@touch $@

report: $(STAMP) $(SYSDEPS_STAMP) data ## Build every params/*.yaml report to HTML and PDF, plus build/site/index.html
	$(PY) -m greenlib report --jobs $(JOBS) $(if $(AS_OF),--as-of $(AS_OF)) $(if $(ONLY),--only $(ONLY)) $(if $(FORCE),--force) $(if $(NO_PDF),--no-pdf)

publish: $(STAMP) ## Copy build/site/ atomically to DEST (make publish DEST=/srv/intranet/greenplan)
	@test -n "$(DEST)" || { echo "usage: make publish DEST=<folder>"; exit 2; }
	$(PY) -m greenlib publish "$(DEST)"

monitoring-template: data ## Write build/monitoring_template.xlsx: one row per target, ready to fill in
	$(PY) -m greenlib monitoring-template

lab: $(STAMP) data ## Start JupyterLab on the project's environment (notebooks run with default parameters)
	@$(PY) -c "import jupyterlab" 2>/dev/null || $(PY) -m pip install --quiet -e '.[dev,lab]'
	$(PY) -m jupyter lab --notebook-dir=notebooks

test: $(STAMP) sysdeps ## Run the test suite (pytest), including the end-to-end report test
	$(PY) -m pytest

lint: $(STAMP) ## ruff over greenlib, tests and the paired notebook scripts
	$(PY) -m ruff check greenlib tests notebooks/*.py

bench: $(STAMP) sysdeps data ## Time the report build against its floor (empty notebooks) and a naive CLI chain
	$(PY) -m greenlib.bench $(if $(REPEAT),--repeat $(REPEAT)) $(if $(NO_PDF),--no-pdf)

clean: ## Remove build/ (keeps .venv/)
	rm -rf build/data build/notebooks build/pdf build/site build/.cache
