# Groundwork: `make run` serves a demo site; `make test` runs the suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
# What serving needs, then the test tools on top, then the benchmark client: `make run`
# installs only the first, so a newcomer's first start does not wait for the others.
SERVE  := $(VENV)/.installed-serve
STAMP  := $(VENV)/.installed-test
BENCHED := $(VENV)/.installed-bench
# `make run PORT=5001 HOST=0.0.0.0`; links, mails and QR codes follow (app/config.py).
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi:app

.PHONY: run test test-browser test-postgres lint lock migrate seed bench clean install install-bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(SERVE): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $(SERVE)

$(STAMP): $(SERVE)
	$(BIN)/pip install --quiet -c requirements.lock -e ".[test]"
	touch $(STAMP)

$(BENCHED): $(STAMP)
	$(BIN)/pip install --quiet -c requirements.lock -e ".[test,bench]"
	touch $(BENCHED)

install: $(STAMP)

# The benchmark client (aiohttp), which deploy/check drives the layout with too.
install-bench: $(BENCHED)

migrate: $(SERVE)
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask courses import courses
	$(BIN)/flask demo seed

# FLASK_RUN_HOST/PORT are what `flask run` reads, and what SITE_URL is derived from.
run: export FLASK_RUN_HOST = $(HOST)
run: export FLASK_RUN_PORT = $(PORT)
run: seed
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-postgres: $(STAMP)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-browser: $(STAMP)
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

# Load benchmarks under Gunicorn on SQLite and PostgreSQL (bench/README.md); about an hour
# the first time (seeding 100,000 learners per database), BENCH_ARGS=--quick for a smoke run.
bench: $(BENCHED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,bench]"
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
