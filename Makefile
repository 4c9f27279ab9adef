# The Huế data platform. Two commands matter: `make run` and `make test`; both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SANDBOX_DIR ?= data/sandbox
SCENARIO ?= calibrated
TABLES ?= 597
UI_PORT ?= 3000
# pytest-xdist workers for make test: one per core; a test file stays on one worker (its fixtures with it)
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PORTAL_PORT ?= 8088

# Default locations (override any of them in the environment or in .env); absolute for child processes.
export HUE_DATA_DIR ?= $(CURDIR)/data
export HUE_LAKE_DIR ?= $(CURDIR)/data/lake
export HUE_WAREHOUSE_PATH ?= $(CURDIR)/data/warehouse.duckdb
export HUE_PORTAL_DIR ?= $(CURDIR)/data/portal
export HUE_QUALITY_DIR ?= $(CURDIR)/data/quality
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home

DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds -type f 2>/dev/null) dbt_project/dbt_project.yml
MANIFEST := dbt_project/target/manifest.json

.PHONY: help venv prepare run test ui portal lint sandbox-up sandbox-down clean bench bench-history resilience

help:
	@echo "make run     - start the sandbox, run the nightly job end to end on DuckDB, print the summary"
	@echo "make test    - install what is missing and run the whole test suite (what CI runs)"
	@echo "make ui      - Dagster UI on http://127.0.0.1:$(UI_PORT)"
	@echo "make portal  - the open-data portal on http://127.0.0.1:$(PORTAL_PORT)"
	@echo "make lint    - ruff, and pip-audit over requirements.lock"
	@echo "make bench   - benchmarks at TIER=tiny|province-quarter|province-year|national-year (docs/benchmarks.md)"
	@echo "make bench-history - the nightly run on 1 and 3 years of history, the 3y/1y ratio (docs/benchmarks.md)"
	@echo "make resilience - crash, fault and bad-input matrices (docs/resilience.md)"

# A virtualenv from the lock file; rebuilt whenever the lock or pyproject changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

venv: $(STAMP)

# dbt's manifest is prepared ahead of time: Dagster loads it instead of parsing ~600 models at import.
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	cd dbt_project && ../$(VENV)/bin/dbt parse --profiles-dir . --quiet
	@touch $@

prepare: $(MANIFEST)
	@mkdir -p $(DAGSTER_HOME)
	@test -f $(DAGSTER_HOME)/dagster.yaml || cp orchestration/instance/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

# A local pseudonymisation key for sandbox runs, made once, kept outside the repository's tracked files.
# Production sets HUE_PSEUDONYM_KEY from its secrets store instead.
PSEUDONYM_KEY_FILE := data/secrets/pseudonym_key
$(PSEUDONYM_KEY_FILE):
	@mkdir -p $(dir $@) && umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@

run: prepare $(PSEUDONYM_KEY_FILE)
	@trap '$(PY) -m sandbox down --data-dir $(SANDBOX_DIR) >/dev/null 2>&1' EXIT; \
	$(PY) -m sandbox up --data-dir $(SANDBOX_DIR) --scenario $(SCENARIO) --tables $(TABLES) && \
	set -a && source $(SANDBOX_DIR)/sandbox.env && set +a && \
	export HUE_PSEUDONYM_KEY="$${HUE_PSEUDONYM_KEY:-$$(cat $(PSEUDONYM_KEY_FILE))}" && \
	$(PY) -m orchestration.run

test: prepare
	bash .ci/setup-system
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

ui: prepare
	$(VENV)/bin/dagster dev -h 127.0.0.1 -p $(UI_PORT) -w workspace.yaml

portal: venv
	$(PY) -m portal.server --root $(HUE_PORTAL_DIR) --host 127.0.0.1 --port $(PORTAL_PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/audit_dependencies.py --lock requirements.lock  # pip-audit; triage in docs/security.md

# Benchmarks: results in benchmarks/results/<tier>.json and docs/benchmarks.md. BENCH_ARGS passes more
# options, e.g. BENCH_ARGS="--repeat 1 --digitization-tables 40" (the table says when a run was bounded).
TIER ?= tiny
BENCH_ARGS ?=
bench: prepare
	$(PY) -m benchmarks run --tier $(TIER) $(BENCH_ARGS)

# Full rebuild then one day of changes on 1 and on 3 years of one-stop history, in one run: the 3y/1y ratio,
# e.g. BENCH_ARGS="--repeat 3 --digitization-tables 12".
bench-history: prepare
	$(PY) -m benchmarks history $(BENCH_ARGS)

resilience: prepare
	$(PY) -m benchmarks.resilience $(RESILIENCE_ARGS)
	bash .ci/setup-system
	HUE_FUZZ_EXAMPLES=$${HUE_FUZZ_EXAMPLES:-150} $(PY) -m pytest -q tests/portal/test_openapi_fuzz.py
	$(PY) -m portal.loadtest --duration 60 --connections 64  # wrk while publishing; docs/benchmarks.md

sandbox-up: venv
	$(PY) -m sandbox up --data-dir $(SANDBOX_DIR) --scenario $(SCENARIO) --tables $(TABLES)

sandbox-down: venv
	$(PY) -m sandbox down --data-dir $(SANDBOX_DIR)

clean:
	rm -rf data dbt_project/target dbt_project/logs
