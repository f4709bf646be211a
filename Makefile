# greenplan — `make help` lists the targets.
# On a fresh machine `make report` and `make test` do all the set-up themselves.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
LOCK        := requirements.lock
UPGRADE     ?=
JOBS        ?= 2
PLAN        ?=
AS_OF       ?=
ROUND       ?=
DEST        ?=
ENGINE      ?=
PROFILE     ?=
LAB_IP      ?= 127.0.0.1
LAB_PORT    ?= 8888

SYSDEPS_STAMP := $(VENV)/.sysdeps-ok

PLAN_ARG  = $(if $(PLAN),--plan $(PLAN))
ASOF_ARG  = $(if $(AS_OF),--as-of $(AS_OF))

.PHONY: help setup lock sysdeps data report new-plan publish lab test lint bench monitoring-template check-monitoring requests clean

help: ## List the targets with one line each
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

# The environment is the lock: exact versions with hashes, then greenlib itself without
# resolving anything again. pyproject.toml only states the ranges `make lock` resolves.
$(STAMP): $(LOCK) pyproject.toml
	@echo ">> creating $(VENV) and installing the locked versions ($(LOCK)) and greenlib"
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

setup: $(STAMP) ## Create .venv/ and install the locked versions (requirements.lock) and greenlib

# Re-resolve on purpose: newest versions pyproject.toml allows (UPGRADE=pkg: only that one,
# the others stay as locked). Python 3.11+, every OS, with hashes. Then: make test, commit.
lock: ## Re-resolve requirements.lock from pyproject.toml (UPGRADE=pkg for one package only)
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install --quiet uv
	$(PY) -m uv pip compile pyproject.toml --extra dev --extra lab --extra engine --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" \
		$(if $(UPGRADE),--upgrade-package $(UPGRADE),--upgrade) -o $(LOCK)
	@echo ">> $(LOCK) re-resolved: run make setup and make test, then commit $(LOCK) (and environment.yml)"

sysdeps: ## Check (and, as root with apt-get, install) Chromium, CJK fonts and poppler-utils
	@bash tools/sysdeps.sh

# the system-package check is skipped once it passed (delete the stamp, or run
# `make sysdeps`, to check again)
$(SYSDEPS_STAMP): tools/sysdeps.sh | $(STAMP)
	@bash tools/sysdeps.sh
	@touch $@

data: $(STAMP) ## Clean and rate a plan into build/<plan-id>/data/ (PLAN=<id>|all, AS_OF=YYYY-MM-DD)
	$(PY) -m greenlib data $(PLAN_ARG) $(ASOF_ARG)

# `greenlib report` runs the data stages itself when their inputs changed (content hashes),
# so a `make report` with nothing to do starts Python once and returns at once.
# ENGINE=snakemake: the same build on Snakemake (workflow/Snakefile), one job per plan, each in
# its own shard, gathered into build/<plan-id>/; PROFILE=slurm|kubernetes runs the jobs on a
# cluster (workflow/profiles/). greenlib's content hashes decide what is rebuilt (--forceall).
SMK_CONFIG = plans=$(if $(PLAN),$(PLAN),$(shell sed -n 's/^default: *//p' plans/plans.yaml)) \
	pdf=$(if $(NO_PDF),0,1) docx=$(if $(NO_DOCX),0,1) $(if $(ONLY),only=$(subst $(space),$(comma),$(strip $(ONLY))))
comma := ,
empty :=
space := $(empty) $(empty)

report: $(STAMP) $(SYSDEPS_STAMP) ## Build a plan's reports (HTML, PDF, Word) and the indexes (PLAN=<id>|all, ONLY=…, ENGINE=snakemake)
ifeq ($(ENGINE),snakemake)
	@test -z "$(AS_OF)" || { echo "ENGINE=snakemake builds the current as-of date only (AS_OF= is for the plain build)"; exit 2; }
	$(VENV)/bin/snakemake -s workflow/Snakefile --forceall \
		$(if $(PROFILE),--profile workflow/profiles/$(PROFILE),--cores $(JOBS)) --config $(SMK_CONFIG)
else ifneq ($(ENGINE),)
	@echo "ENGINE=$(ENGINE): unknown (ENGINE=snakemake, or leave it out for the plain build)"; exit 2
else
	$(PY) -m greenlib report $(PLAN_ARG) $(ASOF_ARG) --jobs $(JOBS) $(if $(ONLY),--only $(ONLY)) $(if $(FORCE),--force) $(if $(NO_PDF),--no-pdf) $(if $(NO_DOCX),--no-docx)
endif

publish: $(STAMP) ## Copy the built sites atomically to DEST (make publish DEST=/srv/intranet/greenplan)
	@test -n "$(DEST)" || { echo "usage: make publish DEST=<folder>"; exit 2; }
	$(PY) -m greenlib publish "$(DEST)" $(if $(PLAN),--plan $(PLAN))

monitoring-template: data ## build/<plan-id>/monitoring_template.xlsx: one row per target, ready to fill in
	$(PY) -m greenlib monitoring-template $(PLAN_ARG)

requests: data ## build/<plan-id>/requests/<round>/<unit>.xlsx: the next round's books (ROUND=YYYY-MM-DD, default today; docs/returns.md)
	$(PY) -m greenlib requests $(PLAN_ARG) $(if $(ROUND),--round $(ROUND))

new-plan: $(STAMP) ## Create plans/<ID>/ from a plan's text (make new-plan TEXT=path/to/plan.txt ID=county-2022-1)
	@test -n "$(TEXT)" -a -n "$(ID)" || { echo "usage: make new-plan TEXT=<plan.txt|.docx> ID=<plan-id>"; exit 2; }
	$(PY) -m greenlib new-plan "$(TEXT)" --id "$(ID)"

check-monitoring: $(STAMP) ## Validate a plan's monitoring/ files and indicator map
	$(PY) -m greenlib check-monitoring $(PLAN_ARG)

lab: $(STAMP) data ## JupyterLab on the project's environment (LAB_IP=0.0.0.0 for the intranet, LAB_PORT=8888)
	PY=$(PY) LAB_IP=$(LAB_IP) LAB_PORT=$(LAB_PORT) bash tools/lab.sh

# the tests' optional tool (LibreOffice, for the Word page count) is checked once like the others
TEST_SYSDEPS_STAMP := $(VENV)/.sysdeps-test-ok
$(TEST_SYSDEPS_STAMP): tools/sysdeps.sh | $(STAMP)
	@bash tools/sysdeps.sh --test
	@touch $@

test: $(STAMP) $(SYSDEPS_STAMP) $(TEST_SYSDEPS_STAMP) ## Run the test suite (pytest), including the end-to-end report test
	$(PY) -m pytest

lint: $(STAMP) ## ruff over greenlib, tests and the paired notebook scripts
	$(PY) -m ruff check greenlib tests notebooks/*.py

bench: $(STAMP) $(SYSDEPS_STAMP) data ## Time the report build against its floor (empty notebooks) and a naive CLI chain
	$(PY) -m greenlib.bench $(PLAN_ARG) $(if $(REPEAT),--repeat $(REPEAT)) $(if $(NO_PDF),--no-pdf) $(if $(SCALE),--scale $(SCALE)) $(if $(SIZES),--sizes $(SIZES)) $(if $(REPORTS),--reports $(REPORTS))

clean: ## Remove build/ (keeps .venv/)
	rm -rf build
