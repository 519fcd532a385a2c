# minzheng — two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= var


.PHONY: run test lint typecheck pytest test-pg test-spark test-e2e clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 (python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements/lock.txt pyproject.toml
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/lock.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/minzheng migrate --noinput
	$(BIN)/minzheng setup-demo --persons 10000
	@# The job queue's worker (snapshot imports, the screening after them) runs beside the server on the
	@# same SQLite file, and is stopped with it (Ctrl-C reaches both; the trap covers any other exit).
	$(BIN)/minzheng db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/minzheng runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -n 2 -m "not e2e and not postgres and not spark"

test: lint typecheck pytest

test-pg: $(STAMP)
	MINZHENG_DB=postgres $(BIN)/pytest -n 2 -m "not e2e and not spark"

test-spark: $(STAMP)
	$(BIN)/python -m pip install -q -r requirements/spark.txt
	$(BIN)/pytest -m spark -p no:xdist

test-e2e: $(STAMP)
	MINZHENG_E2E=1 $(BIN)/pytest -m e2e -p no:xdist

clean:
	rm -rf $(VENV) $(DATA)
