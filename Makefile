# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
N ?= 100000
OUT ?=
PEOPLE ?= 150
DURATION ?= 60
PAUSES ?= 1
KILL ?= 0

.PHONY: setup run test lint bench loadtest graph screenshots clean openapi

# --no-compile: Python compiles each module the first time it is imported; compiling every file of every package
# at install time took a third of the setup (60 s instead of 41 s), most of it for modules the desk never imports.
$(STAMP): requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3.11, python3.12 or python3.13)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-compile -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP)

# The demo's e-mails (every move tells someone) go to files, not to this terminal: read them in var/mail/.
# The task worker logs only warnings, so the server's log stays readable.
run: export EMAIL_URL := $(or $(EMAIL_URL),file://$(CURDIR)/var/mail)
run: export Q_LOG_LEVEL := $(or $(Q_LOG_LEVEL),WARNING)
run: setup
	@mkdir -p var/mail
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py setup_schedules
	@echo "Starting the desk on http://127.0.0.1:8000 with a task worker; Ctrl-C stops both."
	@echo "Demo logins: see README.md (password cities-demo-2026). E-mails the desk sends: var/mail/."
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py qcluster & \
	$(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload & \
	wait

# One worker per core (pytest-xdist): each has its own test database, its own temporary folders and free ports;
# a worker that runs out of tests takes some of the other's (worksteal: a few tests take minutes each).
# `make test TEST_WORKERS=0` runs everything in this one process (a debugger's breakpoints stop there).
TEST_WORKERS ?= auto
test: setup
	$(BIN)/python -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal) $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# The API's OpenAPI 3 schema as served at /api/v1/schema/, kept in docs/openapi.yaml (tests/web/api/test_schema.py
# fails when the two differ: run this after changing an endpoint).
openapi: setup
	$(BIN)/python manage.py spectacular --file docs/openapi.yaml --validate --fail-on-warn

# `make bench COMPARE=10000,100000` runs two sizes side by side, taking turns call by call (ROUNDS=3), and prints
# each page's growth from one to the other.
bench: setup
	$(BIN)/python manage.py bench $(if $(COMPARE),--compare $(COMPARE) --rounds $(or $(ROUNDS),3),--scale $(N)) $(if $(OUT),--json $(OUT),)

# Production's processes on the local PostgreSQL and Redis, driven by signed-in people (README, "Load test").
# Not part of `make test`. E.g. `make loadtest PEOPLE=150 DURATION=30 PAUSES=0 KILL=1`.
loadtest: setup
	$(BIN)/python manage.py loadtest --people $(PEOPLE) --duration $(DURATION) \
		$(if $(filter 0,$(PAUSES)),--no-pauses,--pauses) $(if $(filter 1,$(KILL)),--kill,)

# The README's screenshots of each role's main page (docs/screenshots/), from the browser tests.
screenshots: setup
	DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_readme_screenshots.py -m browser

graph: setup
	$(BIN)/python manage.py graph_workflow --format dot --output docs/workflow.dot

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3 db.sqlite3-wal db.sqlite3-shm
