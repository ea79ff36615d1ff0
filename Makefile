# Chain Portal: `make run` sets everything up and serves the portal; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

# Debian packages: WeasyPrint's libraries and a real CJK font; the tests add PDF tools and Chromium.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 fonts-noto-cjk
TEST_PACKAGES := $(RUN_PACKAGES) poppler-utils chromium

.PHONY: run test test-dates mutation lint bench setup-run setup-test db messages clean

run: setup-run db
	DEBUG=true $(PY) manage.py seed_demo
	@echo "Chain Portal: http://$(HOST)/  (demo password in README.md)"
	DEBUG=true $(PY) manage.py runserver $(HOST)

# The suite in two halves at once, one per core: TEST_HALF (the permission walk of every URL
# and the reporting tests, about 13 minutes alone on this machine; the rest about as long) on a
# test database and Redis db of its own (portal_half, db 2), the rest as configured. Branch
# coverage (settings in pyproject.toml) of both, combined; then each business module's own
# bars. The half's log follows the rest's.
TEST_HALF := tests/test_url_security.py tests/reporting
test: setup-test
	@rm -f .coverage .coverage.half .coverage.rest
	@set -u; log=$$(mktemp); own=(); \
	if [ -n "$${DATABASE_URL:-}" ]; then own+=("DATABASE_URL=$${DATABASE_URL%/*}/portal_half"); fi; \
	if [ -n "$${REDIS_URL:-}" ]; then own+=("REDIS_URL=$${REDIS_URL%/*}/2"); fi; \
	env "$${own[@]}" COVERAGE_FILE=.coverage.half $(PY) -m pytest --cov --cov-report= \
	  $(TEST_HALF) >"$$log" 2>&1 & half=$$!; \
	rest=0; COVERAGE_FILE=.coverage.rest $(PY) -m pytest --cov --cov-report= \
	  $(addprefix --ignore=,$(TEST_HALF)) || rest=$$?; \
	other=0; wait $$half || other=$$?; \
	echo "=== the other half of the suite ($(TEST_HALF)) ==="; cat "$$log"; rm -f "$$log"; \
	[ $$rest -eq 0 ] && [ $$other -eq 0 ]
	$(PY) -m coverage combine -q .coverage.half .coverage.rest
	$(PY) -m coverage report
	$(PY) .ci/coverage_gate.py

# The date-sensitive tests with the whole process clock moved (time-machine, see tests/conftest.py)
# to a 调休 Saturday, a month end, New Year's Day, the day after the annual report's deadline and
# two years ahead: the portal must hold on any day, not only on the day the suite is run. Tests
# that set their own day (the `clock` fixture) are left out at a moved date. The browser journeys
# (a minute a run) go through the same services and views the tests at every date cover; they run
# at one date, the turn of the year (DATE_BROWSER_DAY). .ci/run runs this beside `make test`, on a
# database and Redis db of its own.
TEST_DATES ?= 2026-10-10 2026-12-31 2027-01-01 2027-02-01 2028-12-06
DATE_BROWSER_DAY ?= 2027-01-01
# (the first of TEST_DATES when they leave DATE_BROWSER_DAY out: the journeys always run once)
BROWSER_DAY := $(or $(filter $(DATE_BROWSER_DAY),$(TEST_DATES)),$(firstword $(TEST_DATES)))
DATE_TESTS := tests/reporting \
	tests/chains/test_cultivation.py tests/chains/test_policies.py \
	tests/chains/test_refused_files.py tests/chains/test_directory_checks.py \
	tests/chains/test_statistics.py::test_month_in_the_future \
	tests/chains/test_statistics.py::test_the_month_given_on_upload_is_kept_for_whoever_imports

# One test database for the five runs: created by the first, reused by the rest.
test-dates: setup-test
	@set -e; fresh=--create-db; for day in $(TEST_DATES); do \
	  echo "--- the date-sensitive tests at $$day 10:00 Asia/Shanghai (PORTAL_TEST_DATE=$$day) ---"; \
	  browser=; [ "$$day" != "$(BROWSER_DAY)" ] || browser=tests/browser; \
	  PORTAL_TEST_DATE=$$day $(PY) -m pytest -q -p no:cacheprovider --reuse-db $$fresh \
	    $(DATE_TESTS) $$browser; \
	  fresh=; \
	done

# Mutation testing of the core rules (mutmut, settings in pyproject.toml; not in every CI run:
# a first run takes one to two hours on two cores): access, the update services, the statistics
# importer's checks, the workday calendar, the credit-code check. Each mutant runs the tests that
# reached its function, on a copy of one SQLite database migrated once (tests/conftest.py). A
# later run re-tests only the functions changed since (mutants/ keeps the results; remove it
# for a fresh run), then the survivors again with today's tests. The report gives the score and
# fails on any survivor docs/mutation.md does not explain.
MUTATION_ENV := DATABASE_URL=sqlite:///$(CURDIR)/.make/mutation.sqlite3 REDIS_URL= CI= \
	DJANGO_SETTINGS_MODULE=portal.settings.test PORTAL_TEST_DB_TEMPLATE=$(CURDIR)/.make/mutation.sqlite3
mutation: setup-test
	mkdir -p .make
	$(MUTATION_ENV) $(PY) manage.py migrate --noinput -v0
	$(MUTATION_ENV) $(VENV)/bin/mutmut run > .make/mutation.log 2>&1 || { tail -c 2000 .make/mutation.log; exit 1; }
	survivors=$$($(VENV)/bin/mutmut results | sed -n 's/^ *\(.*__mutmut_[0-9]*\): survived$$/\1/p'); \
	  [ -z "$$survivors" ] || $(MUTATION_ENV) $(VENV)/bin/mutmut run $$survivors >> .make/mutation.log 2>&1 \
	  || { tail -c 2000 .make/mutation.log; exit 1; }
	$(PY) .ci/mutation_report.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) .ci/imports.py
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
	$(PY) manage.py load_validation_rules
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
