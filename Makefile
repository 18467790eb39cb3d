# `make run` plans a renewal with the bundled catalogue; `make test` runs the checks and the suite,
# its property tests on the same examples every run (Hypothesis's `ci` profile, see
# tests/conftest.py); `make test-fast` is the quick inner loop (a tenth of the examples, no
# slow tests); `make test-nightly` runs the suite with ten times the examples, fresh ones each run. Each builds a local virtual environment in .venv first (Python 3.11 or newer).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
# Test processes (pytest-xdist): one per core; `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto
BIN := $(VENV)/bin

.PHONY: run test test-fast test-nightly bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m ceplan optimise --tier professional

test: $(BIN)/.installed
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m mypy
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -n $(TEST_WORKERS)

test-fast: $(BIN)/.installed
	HYPOTHESIS_PROFILE=fast $(BIN)/python -m pytest -q -x -m "not slow"

test-nightly: $(BIN)/.installed
	HYPOTHESIS_PROFILE=nightly $(BIN)/python -m pytest -n $(TEST_WORKERS)

bench: $(BIN)/.installed
	$(BIN)/python bench/bench_all.py
	$(BIN)/python bench/bench_optimise.py
	$(BIN)/python bench/bench_schedule.py
	$(BIN)/python bench/bench_degenerate.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
