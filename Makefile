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

DATA_INPUTS := $(wildcard data/raw/* data/reference/* data/monitoring/*) $(wildcard greenlib/*.py)

.PHONY: help setup sysdeps data report publish lab test lint bench monitoring-template clean

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

data: $(STAMP) ## Clean the plan into build/data/ (CSV contract, plan.xlsx, quality report, status.csv)
	$(PY) -m greenlib data

report: $(STAMP) sysdeps data ## Build every params/*.yaml report to HTML and PDF, plus build/site/index.html
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
