# allonav — two commands: `make run` (set up, fill the catalogue, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/allonav setup
	@echo "allonav is serving on http://$(HOST):$(PORT)"
	$(BIN)/allonav serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench

typecheck: install
	$(BIN)/mypy

pytest: install
	@if [ -z "$$ALLONAV_TEST_POSTGRES_URL" ]; then \
	  echo "PostgreSQL pass SKIPPED: ALLONAV_TEST_POSTGRES_URL is not set (.ci/run starts a server and sets it)"; \
	else echo "PostgreSQL pass: tests run on SQLite and on $$ALLONAV_TEST_POSTGRES_URL"; fi
	$(BIN)/pytest

test: lint typecheck pytest

bench: install
	$(BIN)/python bench/import_rate.py
	$(BIN)/python bench/search_latency.py
	$(BIN)/python bench/classification.py --markdown --labels tests/fixtures/classification_holdout2.json
	$(BIN)/python bench/criteria_coverage.py
	$(BIN)/python bench/criteria_scores.py
	$(BIN)/python bench/screening_speed.py

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
