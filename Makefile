# Pilotmarked. `make run` starts the product on an embedded default; `make test` runs the suite.
# Both need only Python 3.11+ and make. `make help` lists every target.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
CATALOG := locale/nb/LC_MESSAGES/django.po
HOST ?= 127.0.0.1
PORT ?= 8000
# Where the shared reference data lives (CPV, places, Doffin notices); tests and imports only.
export PILOTMARKED_DATA_DIR ?= $(abspath ../shared/data)

.DEFAULT_GOAL := help
.PHONY: help install install-test run test lint format migrate messages bench clean import-reference search-quality

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (PYTHON=python3.11 make ...)")'
	@$(PYTHON) -m venv $(VENV)

# What running needs (the runtime dependencies, Designsystemet's CSS); `make run` stops here.
# Only the dependencies: manage.py runs from this folder, so the project itself needs no install
# (no build environment, no editable wheel). uv (pinned, put in the venv by pip) installs them:
# about 1 s from its cache and 5 s from PyPI, where pip takes about 20 s from a warm cache. Where
# uv cannot be had or cannot reach an index (pip may be set up for a local one), pip installs
# them instead. Neither byte-compiles: Python compiles the modules it imports on first use.
# The CSS is fetched meanwhile.
UV_VERSION := 0.13.10
PIP := $(BIN)/python -m pip --disable-pip-version-check
define install_packages
if [ -x $(BIN)/uv ] && $(BIN)/uv pip install --quiet --python $(BIN)/python $(1); then :; \
else $(PIP) install --quiet --quiet --no-compile $(1); fi
endef

$(VENV)/.installed: pyproject.toml package-lock.json scripts/fetch_frontend.py | $(BIN)/python
	@echo "Installing Pilotmarked's Python packages into $(VENV) (quiet; the first time takes a while)"
	@$(BIN)/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > $(VENV)/requirements.txt
	@$(PIP) install --quiet --quiet uv==$(UV_VERSION) || echo "(uv could not be installed: pip installs the packages)"
	@$(BIN)/python scripts/fetch_frontend.py & frontend=$$!; \
	$(call install_packages,-r $(VENV)/requirements.txt); \
	pip=$$?; wait $$frontend && [ $$pip -eq 0 ]
	@touch $@

# What testing and linting add on top (the [test] and [dev] extras of pyproject.toml).
TEST_EXTRAS := -e '.[test,dev]'
$(VENV)/.installed-test: $(VENV)/.installed
	@$(call install_packages,$(TEST_EXTRAS))
	@touch $@

install: $(VENV)/.installed ## Create .venv with what running needs (Python packages, Designsystemet CSS)

install-test: $(VENV)/.installed-test ## Add the test and dev tools (pytest and its plugins, Playwright, ruff, import-linter)

# pip installs without byte-compiling (--no-compile), so each module is compiled when it is first
# imported and kept for the next command. Where the environment sets PYTHONDONTWRITEBYTECODE,
# every command (migrate, seed_demo, both runserver processes) would compile Django and Wagtail
# again, about 3.5 s each: these targets keep the compiled modules whatever it says.
migrate run: export PYTHONDONTWRITEBYTECODE =

migrate: install ## Apply database migrations
	@$(MANAGE) migrate --noinput -v 0

# Links in e-mails, the sitemap and canonical addresses name the address the site is served on.
run: export SITE_URL ?= http://$(HOST):$(PORT)
# Seeding sends the demo's notifications; they go nowhere (not to the console) unless EMAIL_URL
# says where, and its log lines (tasks, page revisions) only at LOG_LEVEL, so what `make run`
# prints is the demo data, the logins and the address.
run: migrate ## Set up, load demo data and serve on http://127.0.0.1:8000 (SQLite, no services)
	@EMAIL_URL="$${EMAIL_URL:-dummymail://}" LOG_LEVEL="$${LOG_LEVEL:-ERROR}" $(MANAGE) seed_demo
	@$(MANAGE) runserver $(HOST):$(PORT)

# `make test` keeps its test databases between runs (--reuse-db; new migrations are applied);
# .ci/run sets PYTEST_DB=--create-db to start from nothing. Two xdist workers, tests in random
# order (pytest-randomly prints the seed: PYTEST_ARGS="-p randomly --randomly-seed=N" repeats one).
PYTEST_DB ?= --reuse-db
PYTEST_WORKERS ?= 2
test: install-test ## Run the whole suite in random order on 2 workers, keeping the test database (PostgreSQL if DATABASE_URL is set)
	@$(BIN)/python -m pytest $(PYTEST_DB) -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose"; exit 1; fi; exit $$rc

lint: install-test ## ruff, import contracts, missing migrations, deploy checks, message catalogs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  DJANGO_ALLOWED_HOSTS=pilotmarked.example DATABASE_URL=sqlite:///:memory: OCDS_OCID_PREFIX=ocds-a1b2c3-pilotmarked- \
	  BID_KEYS="k1:$$($(BIN)/python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" \
	  $(MANAGE) check --deploy --fail-level WARNING
	$(BIN)/python scripts/check_messages.py

format: install-test ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Update the Bokmål catalog from the code (merging locale/drafts/*.po) and compile it and the hand-kept English one (needs GNU gettext)
	$(MANAGE) makemessages -l nb --no-obsolete --ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*' --ignore='tests/*' --ignore='static/vendor/*'
	@if ls locale/drafts/*.po >/dev/null 2>&1; then \
	  sed -n '1,/^$$/p' $(CATALOG) > $(CATALOG).head && \
	  msgcat --use-first locale/drafts/*.po $(CATALOG) -o $(CATALOG).tmp && \
	  msgmerge -N -q -o $(CATALOG).tmp $(CATALOG).tmp $(CATALOG) && \
	  { cat $(CATALOG).head; sed '1,/^$$/d' $(CATALOG).tmp; } > $(CATALOG) && rm $(CATALOG).tmp $(CATALOG).head && \
	  rm -r locale/drafts && echo "merged and removed locale/drafts"; fi
	$(MANAGE) compilemessages -l nb -l en --ignore='.venv/*'
	$(BIN)/python scripts/check_messages.py

import-reference: migrate ## Load the full CPV, places and SN2007 lists from PILOTMARKED_DATA_DIR
	$(MANAGE) import_cpv "$(PILOTMARKED_DATA_DIR)/cpv_2008_main_en_nb.csv"
	$(MANAGE) import_places
	$(MANAGE) import_industry_codes "$(PILOTMARKED_DATA_DIR)/sn2007_naeringsgruppering_nb.csv"

search-quality: install-test ## Import the real Doffin notices into a scratch SQLite database (and QUALITY_DATABASE_URL, if set) and write docs/search-quality.md (the BM25 references need rank-bm25, a test extra)
	@set -e; scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	export DJANGO_SETTINGS_MODULE=config.settings.test; \
	for url in "sqlite:///$$scratch/quality.sqlite3" $${QUALITY_DATABASE_URL:-}; do \
	  export DATABASE_URL="$$url"; \
	  $(BIN)/python manage.py migrate --noinput -v 0; \
	  $(BIN)/python manage.py import_doffin "$(PILOTMARKED_DATA_DIR)/doffin_contract_notices_F02_2020.json" "$(PILOTMARKED_DATA_DIR)/doffin_eforms_xml"; \
	  $(BIN)/python manage.py search_quality --write docs/search-quality.md; \
	done

.PHONY: drill-restore
drill-restore: install-test ## pg_dump and copy the files, restore into a fresh database and folders, verify_audit and verify_bid_integrity on both (BIDS=20 extra bids)
	$(BIN)/python scripts/drill_restore.py --bids $(or $(BIDS),20)

.PHONY: drill-deadline
drill-deadline: install-test ## N suppliers (N=50) submit over HTTP around a deadline on gunicorn and PostgreSQL: every on-time bid accepted, every late one 409
	$(BIN)/python scripts/drill_deadline.py --suppliers $(or $(N),50)

.PHONY: drill-worker-kill
drill-worker-kill: install-test ## kill -9 the Celery worker mid-way through N alert e-mails, restart: each arrives exactly once (N=1000)
	$(BIN)/python scripts/drill_worker_kill.py -n $(or $(N),1000)

.PHONY: drill-alerts
drill-alerts: install-test ## One new tender matching N saved searches (N=100000): every inbox and e-mail within 10 min on one worker, none twice, worker RSS <= 200 MB
	$(BIN)/python scripts/drill_alerts.py -n $(or $(N),100000)

.PHONY: drill-login
drill-login: install-test ## Wrong passwords from one address, the owner from another, Redis up and down; HTTP Basic on the API (N=30 attempts)
	$(BIN)/python scripts/drill_login.py --attempts $(or $(N),30)

bench: install-test ## Run benchmarks and write docs/benchmarks.md (BENCH_HTTP=1: then make loadtest at 2,000 tenders / 10,000 suppliers)
	$(BIN)/python -m tests.bench
	@if [ -n "$(BENCH_HTTP)" ]; then \
	  LOADTEST_TENDERS=$${LOADTEST_TENDERS:-2000} LOADTEST_PROFILES=$${LOADTEST_PROFILES:-10000} $(MAKE) loadtest; fi

.PHONY: loadtest
loadtest: install-test ## gunicorn (1 worker, 1 core, production settings) on scratch PostgreSQL at 20k tenders/100k suppliers, wrk + open loop: req/s, p50/p95 per page (LOADTEST_*: scripts/loadtest.py)
	$(BIN)/python scripts/loadtest.py

.PHONY: profile-page
profile-page: install-test ## cProfile one page in-process under production settings, page cache off, on the kept loadtest database (URL=/konkurranser/<ref>/ AS=supplier N=200)
	$(BIN)/python scripts/profile_page.py "$(URL)" -n $(or $(N),200) $(if $(AS),--as $(AS))

clean: ## Remove the virtualenv, local database and generated files
	rm -rf $(VENV) var node_modules static/vendor
