# Chain Portal: `make run` sets everything up and serves the portal; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

# Debian packages: WeasyPrint's libraries and a real CJK font; the tests add PDF tools and Chromium.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
TEST_PACKAGES := $(RUN_PACKAGES) poppler-utils chromium

.PHONY: run test lint bench setup-run setup-test db messages clean

run: setup-run db
	DEBUG=true $(PY) manage.py seed_demo
	@echo "Chain Portal: http://$(HOST)/  (demo password in README.md)"
	DEBUG=true $(PY) manage.py runserver $(HOST)

test: setup-test
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

bench: setup-run
	$(PY) -m bench

setup-run: $(VENV)/.installed
	@.ci/ensure-packages $(RUN_PACKAGES)

setup-test: $(VENV)/.installed
	@.ci/ensure-packages $(TEST_PACKAGES)

# The load_* commands fill empty tables only: rerunning `make run` keeps what admins changed.
db: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_matrix
	$(PY) manage.py load_indicators
	$(PY) manage.py load_assessment_indicators

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@.ci/ensure-python $(PYTHON)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Regenerate and compile the translation catalogues (needs gettext); the .mo files are committed.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
