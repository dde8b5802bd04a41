# gaoxin — two commands: `make demo` and `make test`. Both install what they need into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q src  # the first commands start at once, even where Python writes no bytecode
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/gaoxin demo

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/evaluate_bench.py
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/zone_bench.py
	$(BIN)/python bench/chains_eval.py
	$(BIN)/python bench/web_bench.py
	$(BIN)/python bench/workdays_bench.py
	$(BIN)/python bench/cases_bench.py
	$(BIN)/python bench/monitor_bench.py
	$(BIN)/python bench/projects_bench.py

clean:
	rm -rf $(VENV) gaoxin.duckdb .pytest_cache
