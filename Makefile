# Hazard Ledger — two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Django 6 needs Python 3.12+: take the newest interpreter found on this machine.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: run test setup lint format migrate seed backup restore bench-seed bench clean chromium

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (Django 6)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(PY) manage.py migrate --noinput

## make run: web (gunicorn) + Celery worker + Celery beat on http://127.0.0.1:8000
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) scripts/runall.py

chromium:
	@bash scripts/ensure-chromium.sh

## make test: lint, import floors, migrations check and the whole suite
test: setup chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	APP_ENV=test $(PY) manage.py makemigrations --check --dry-run
	APP_ENV=test $(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

seed: migrate
	$(PY) manage.py seed_demo

## make backup / make restore FILE=…: PostgreSQL (custom-format pg_dump) + evidence files
backup:
	@bash scripts/backup.sh

restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/ledger-<stamp>.dump"; exit 1; }
	@bash scripts/restore.sh "$(FILE)"

## make bench-seed / make bench: the county-scale benchmark (DATABASE_URL = a PostgreSQL bench database)
bench-seed: migrate
	$(PY) manage.py seed_bulk --enterprises $(or $(ENTERPRISES),10000) --hazards $(or $(HAZARDS),1000000)

bench: setup
	$(PY) bench/run.py $(or $(WHAT),all)

clean:
	rm -rf $(VENV) var .pytest_cache
