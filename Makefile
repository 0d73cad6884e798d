# Two commands on a fresh machine: `make start` (the web application) and `make test`.
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

.PHONY: start demo test bench rebuild-data system-deps serve
# the web application on the embedded data: database and first account made when new, address printed
start: $(STAMP)
	$(BIN)/railcap serve

demo: $(STAMP)
	$(BIN)/railcap demo

# chromium (browser tests) and PostgreSQL 15 (store tests) from Debian when missing; the tests start
# and stop their own PostgreSQL server and fail, not skip, when the browser cannot be had.
system-deps:
	bash scripts/system-deps.sh

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2

serve: start

bench: $(STAMP)
	$(BIN)/python -m bench

rebuild-data: $(STAMP)
	$(BIN)/railcap network rebuild --registry ../shared/reference/prorail-infra-2021
