# Task runner. `make all` = set up, fetch, build, run every report; `make test` = lint + full test suite.
# Offline: add MIRROR=../shared/data/raw (or any folder laid out like data/raw) to either command.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MIRROR ?= $(LAHELPERS_MIRROR)
MIRROR_ARG := $(if $(MIRROR),--mirror $(MIRROR),)

.PHONY: all setup data reports test lint clean bench

all: reports

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 > /dev/null
	touch $@

data: setup
	$(BIN)/lahelpers data fetch $(MIRROR_ARG)
	$(BIN)/lahelpers data build

reports: data
	$(BIN)/lahelpers run

lint: setup
	$(BIN)/ruff check src tests notebooks benchmarks

test: lint
	LAHELPERS_MIRROR=$(MIRROR) $(BIN)/pytest

bench: data
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_run.py

clean:
	rm -rf data/processed/*.parquet data/processed/*.csv data/processed/*.json data/processed/*.md
