# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTED := $(VENV)/.installed-test

.PHONY: run test lint bench fuzz format clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "refresher needs Python 3.11 or newer: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make run` installs what running needs; the test tools (pytest, hypothesis, ruff) come with
# `make test`, `make lint` and `make format`.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TESTED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $(TESTED)

# Ctrl-C ends a quiz with its summary and exit 130, which is not a failure of `make run`: the
# recipe's shell outlives the Ctrl-C (a handler, not an ignore, so refresher still gets it) and
# takes 130 as done; any other exit code still fails.
run: $(STAMP)
	@trap : INT; $(BIN)/refresher quiz session-14 || [ $$? -eq 130 ]

lint: $(TESTED)
	$(BIN)/ruff check refresher tests bench
	$(BIN)/ruff format --check refresher tests bench

test: lint
	$(BIN)/python -m pytest

format: $(TESTED)
	$(BIN)/ruff format refresher tests bench
	$(BIN)/ruff check --fix refresher tests bench

bench: $(STAMP)
	$(BIN)/python -m bench

# Long fuzzing of the bank loader and the importers (10,000 mutants each: of the bundled bank,
# and of its CSV, TSV, Anki text, GIFT and Moodle XML exports; `make test` runs 200 of each),
# and 20 rounds of kill -9 during a sync (`make test` runs 2).
fuzz: $(TESTED)
	REFRESHER_FUZZ=10000 $(BIN)/python -m pytest -q tests/test_bank_fuzz.py tests/test_import_fuzz.py
	REFRESHER_KILLS=20 $(BIN)/python -m pytest -q tests/test_sync_kill.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache dist build
