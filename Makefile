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
	@echo "make clean              delete the built data (data/processed, keeping its README.md)"
	@echo "MIRROR=DIR (or LAHELPERS_MIRROR) copies inputs from a local folder: fully offline."

all: reports

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@echo "Setting up $(VENV) (once; about a minute): creating the virtual environment..."
	$(PYTHON) -m venv $(VENV)
	@echo "Installing lahelpers and its dependencies into $(VENV) (quietly; this is the slow part)..."
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@echo "Registering the Jupyter kernel the reports run on..."
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 > /dev/null
	touch $@
	@echo "Done: run commands as $(BIN)/lahelpers, or 'source $(VENV)/bin/activate' first."

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
	if [ -d data/processed ]; then find data/processed -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +; fi
	rm -rf data/.processed-new-* data/.processed-old-*
