# OA Console developer commands. A fresh machine needs only Python 3.11+ and make:
#   make run    the console on http://127.0.0.1:8000 with demo data (Ctrl-C stops it)
#   make test   the whole test suite (SQLite by default; PostgreSQL and Redis when
#               DATABASE_URL / CELERY_BROKER_URL point at them)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# The uv that installs the locked dependencies. Pinned so every machine resolves uv.lock alike.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Written after a successful sync: the venv is rebuilt only when the lock or pyproject changes.
SYNCED := $(VENV)/.synced-uv.lock

ADDR ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# Never fetch an interpreter or a browser build: use the machine's Python and Debian's Chromium.
export UV_PYTHON_DOWNLOADS := never
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

BENCH_SCRIPTS := $(sort $(filter-out bench/_%,$(wildcard bench/*.py)))

.PHONY: help venv install run test lint fmt migrate bench clean messages i18n-check

help:
	@echo "make run       install, migrate, load demo data, start web + worker + beat on http://$(ADDR):$(PORT)"
	@echo "make test      run the whole test suite (PYTEST_ARGS='-k health' to narrow it)"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make fmt       ruff format and ruff check --fix"
	@echo "make migrate   apply database migrations"
	@echo "make bench     run every bench/*.py (make bench-<name> runs one)"
	@echo "make messages  update locale/*/django.po from the source and compile the .mo files (needs gettext)"
	@echo "make i18n-check  fail if a language misses a translation of the current source (needs gettext)"
	@echo "make install   create .venv with the locked dependencies"
	@echo "make clean     remove the virtualenvs, caches and collected static files"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

venv install: $(SYNCED)

# runconsole --prepare: migrate, seed_demo, then the web server and worker, in one Python start.
run: install
	DEBUG=true exec $(MANAGE) runconsole --prepare --addr $(ADDR) --port $(PORT)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Development default; set DEBUG=false (and SECRET_KEY) to migrate another configured database.
migrate: install
	DEBUG=$${DEBUG:-true} $(MANAGE) migrate --noinput

# Translations (see README, "Translations"). Both need GNU gettext (apt-get install gettext).
# The compiled .mo files are committed, so `make run` and the image need no gettext.
messages: install
	DEBUG=true $(MANAGE) translations

i18n-check: install
	DEBUG=true $(MANAGE) translations --check

bench: install
	@if [ -z "$(BENCH_SCRIPTS)" ]; then echo "No benchmark scripts in bench/ yet."; fi
	@set -e; for script in $(BENCH_SCRIPTS); do \
		echo "== $$script"; \
		PYTHONPATH=$(CURDIR) $(PY) $$script; \
	done

bench-%: install
	@test -f bench/$*.py || { echo "No benchmark bench/$*.py" >&2; exit 2; }
	PYTHONPATH=$(CURDIR) $(PY) bench/$*.py

# Keeps var/ (the development database and demo data) and bench/results/.
clean:
	rm -rf $(VENV) $(TOOLS) staticfiles .pytest_cache .ruff_cache test-results var/test
	find . -name __pycache__ -type d -not -path './.git/*' -prune -exec rm -rf {} +
