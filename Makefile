# Groundwork: `make run` serves a demo site; `make test` runs the suite.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export FLASK_APP := wsgi:app

.PHONY: run test test-browser test-postgres lint lock migrate seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[test,bench]"
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask courses import courses
	$(BIN)/flask demo seed

run: seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-postgres: $(STAMP)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-browser: $(STAMP)
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

# Load benchmarks under Gunicorn on SQLite and PostgreSQL (bench/README.md); about an hour
# the first time (seeding 100,000 learners per database), BENCH_ARGS=--quick for a smoke run.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,bench]"
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
