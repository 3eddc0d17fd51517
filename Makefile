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
# Python keeps compiled modules (and pytest its assertion-rewritten tests) in __pycache__
# unless PYTHONDONTWRITEBYTECODE is set, as some machines set it: then every test process
# compiled ~450 modules again, 11 s of CPU each (collecting the suite: 21.5 s against 9.8 s).
# Empty is unset to Python; the caches are git-ignored.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test test-browser test-postgres lint lock migrate seed bench clean install install-bench install-lrs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Each set installs from its own lock, every file checked against its hash
# (requirements/*.lock, written by `make lock`), then the project itself without
# resolving anything again.
$(SERVE): $(BIN)/python pyproject.toml requirements/serve.lock
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/serve.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(SERVE)

$(STAMP): $(SERVE) requirements/test.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.lock
	touch $(STAMP)

$(BENCHED): $(STAMP) requirements/bench.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements/bench.lock
	touch $(BENCHED)

install: $(STAMP)

# The benchmark client (aiohttp), which deploy/check drives the layout with too.
install-bench: $(BENCHED)

# Ralph, the Learning Record Store the xAPI tests start (tests/xapi/conftest.py), in a venv
# of its own: it pins FastAPI, pydantic and httpx versions of its own.
LRS_VENV := .venv-lrs
$(LRS_VENV)/.installed: requirements/lrs.lock
	$(PYTHON) -m venv $(LRS_VENV)
	$(LRS_VENV)/bin/pip install --quiet --require-hashes -r requirements/lrs.lock
	touch $@

install-lrs: $(LRS_VENV)/.installed

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

# Test processes (pytest-xdist): two, one per core here; WORKERS=0 runs in one process
# (for pdb, or -x). Each worker builds its own app and database (tests/conftest.py).
WORKERS ?= 2
# A worker that runs out of tests takes queued ones from the other, so one long test near
# the end leaves the other core idle for less (98 s against 106 s, one run each, 2026-12-07).
DIST ?= worksteal

# Timing tests (tests/timing/) run afterwards in one process with the machine to
# themselves, collecting only their folder unless PYTEST_ARGS names what to run (collecting
# the whole suite to pick five cost 5 s); exit code 5 (none selected) is not a failure.
TIMING = -m timing -n 0 $(or $(PYTEST_ARGS),tests/timing) || [ $$? -eq 5 ]

# The parallel run leaves out the folders whose every test it would deselect: collecting
# tests/browser imports Playwright in each process for nothing.
PARALLEL = -m "not browser and not timing" --ignore=tests/browser --ignore=tests/timing \
	-n $(WORKERS) --dist $(DIST)

test: $(STAMP)
	$(BIN)/pytest $(PARALLEL) $(PYTEST_ARGS)
	$(BIN)/pytest $(TIMING)

# One database per worker, named groundwork_test_<worker>_<random>, dropped at the end.
test-postgres: $(STAMP)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/pytest $(PARALLEL) $(PYTEST_ARGS)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/pytest $(TIMING)

# One Chromium and one live server, so one process.
test-browser: $(STAMP)
	$(BIN)/pytest -m browser -n 0 $(PYTEST_ARGS)

# Load benchmarks under Gunicorn on SQLite and PostgreSQL (bench/README.md); about an hour
# the first time (seeding 100,000 learners per database), BENCH_ARGS=--quick for a smoke run.
bench: $(BENCHED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Lint and layout; .pre-commit-config.yaml runs this same target before each commit.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Write the hashed locks from pyproject.toml, keeping every version requirements.lock pins
# (edit a pin there to move it; a new dependency gets the newest release pyproject allows),
# then write any added or dropped package back into requirements.lock.
UV_VERSION := 0.13.8
LOCK_FLAGS := --quiet --generate-hashes --python $(BIN)/python -c requirements.lock \
	--custom-compile-command "make lock"
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements/serve.lock
	$(BIN)/uv pip compile pyproject.toml --extra test $(LOCK_FLAGS) -o requirements/test.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --extra bench $(LOCK_FLAGS) \
		-o requirements/bench.lock
	$(BIN)/uv pip compile requirements/lrs.in --quiet --generate-hashes --python-version 3.11 \
		--custom-compile-command "make lock" -o requirements/lrs.lock
	$(BIN)/python requirements/pins.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
