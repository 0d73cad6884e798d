# Two commands on a fresh machine: `make demo` and `make test`.
# Each creates its own virtual environment in .venv and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

.PHONY: demo test bench rebuild-data system-deps serve
demo: $(STAMP)
	$(BIN)/railcap demo

# chromium (browser tests) and PostgreSQL 15 (store tests) from Debian when missing; the tests start
# and stop their own PostgreSQL server and fail, not skip, when the browser cannot be had.
system-deps:
	bash scripts/system-deps.sh

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2

serve: $(STAMP)
	$(BIN)/railcap serve

bench: $(STAMP)
	$(BIN)/python -m bench

rebuild-data: $(STAMP)
	$(BIN)/railcap network rebuild --registry ../shared/reference/prorail-infra-2021
