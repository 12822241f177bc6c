# Task runner. `make all` = set up, fetch, build, run every report; `make test` = lint + full test suite.
# Offline: add MIRROR=../shared/data/raw (or any folder laid out like data/raw) to either command.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MIRROR ?= $(LAHELPERS_MIRROR)
MIRROR_ARG := $(if $(MIRROR),--mirror $(MIRROR),)

.PHONY: help all setup data reports test unit lint clean bench
.DEFAULT_GOAL := help

help:
	@echo "make all [MIRROR=DIR]   set up .venv, fetch the inputs, build the data, run every report"
	@echo "make test [MIRROR=DIR]  lint and run the whole test suite"
	@echo "make setup              create .venv and install the package with its dev tools"
	@echo "make data [MIRROR=DIR]  fetch the inputs and build data/processed"
	@echo "make reports            run every report into reports/<run-id>/"
	@echo "make unit               the unit tests only: no data mirror needed, about a minute"
	@echo "make lint               ruff over src, tests, notebooks and benchmarks"
	@echo "make bench              the speed and size benchmarks (benchmarks/README.md)"
	@echo "make clean              delete the built data (data/processed)"
	@echo "MIRROR=DIR (or LAHELPERS_MIRROR) copies inputs from a local folder: fully offline."

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

unit: setup
	$(BIN)/pytest -m "not realdata" -n 2

bench: data
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_run.py

clean:
	rm -rf data/processed/*.parquet data/processed/*.csv data/processed/*.json data/processed/*.md
