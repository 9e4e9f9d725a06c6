# Two entry points, both safe on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/semesta: pyproject.toml requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

.PHONY: install demo test lint bench
install: $(BIN)/semesta

demo: install
	$(BIN)/semesta demo

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/synth.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/identifiers_sql.py
	$(BIN)/python bench/reconcile.py
	$(BIN)/python bench/reconcile.py --population 5000000 --skip-baseline --skip-sweep --skip-scores
	$(BIN)/python bench/uhc.py
	$(BIN)/python bench/eligibility.py
	$(BIN)/python bench/status_check.py
