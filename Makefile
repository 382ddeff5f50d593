# Two commands set up everything on a fresh machine (CONTRACTS.md, 1):
#   make run   - venv, requirements, migrations, demo city, server on 127.0.0.1:8000 and a job worker
#   make test  - the whole suite (pytest), browser tests included
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Both CPU cores by default; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2

.PHONY: run test lint format bench load load-cluster install install-dev chromium migrate messages clean vendor

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

# A worker of the job queue (README, "Jobs and the queue") runs beside the server and stops with it.
run: migrate
	$(BIN)/python manage.py seed_demo --if-empty
	@$(BIN)/python manage.py run_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the browser tests; skipped quietly where apt-get cannot run
# (the tests then skip with a message saying so).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Chromium for the browser tests..."; \
		(apt-get install -y -q chromium >/dev/null 2>&1 || \
		 (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1)) || \
		echo "Chromium could not be installed: browser tests will be skipped."; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo apt-get install -y -q chromium >/dev/null 2>&1 || echo "Chromium could not be installed."; \
	else echo "No Chromium and no way to install it: browser tests will be skipped."; fi

# makemigrations --check needs no database: an in-memory one keeps it from touching DATABASE_URL's.
test: install-dev chromium
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run --settings=kube_registry.settings.test
	@if command -v node >/dev/null 2>&1; then node --test tests/js/*.test.mjs; \
	else echo "No Node.js: the JavaScript tests (tests/js/) are skipped."; fi
	$(BIN)/pytest $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS)) $(PYTEST_ARGS)

# djlint reads [tool.djlint] in pyproject.toml: --check is its formatter, --lint its rules.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --check
	$(BIN)/djlint templates --lint

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat

# Run from the project root so every app and templates/ are scanned (the catalog lives
# in LOCALE_PATHS, locale/); then translate the new msgids in locale/en/LC_MESSAGES/django.po
# (tests/kube_registry/test_i18n.py fails while any is left empty or fuzzy). References name
# files without line numbers, so edits elsewhere in a file do not churn the catalog.
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=staticfiles --ignore=var
messages: install-dev
	$(BIN)/python manage.py makemessages -l en --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages $(MESSAGES_IGNORE)

# The offline app's JavaScript libraries (README, "Offline"): fetched from the npm registry
# only when this target runs, and committed, so running and testing need no network and
# no build. Workbox: workbox-sw.js and the production build of each module the service
# worker uses (templates/offline/sw.js; add a module here when it uses another); idb: its
# UMD build. sourceMappingURL comments are dropped: the maps are not shipped, and
# collectstatic's manifest storage refuses a comment naming a missing file.
WORKBOX_VERSION := 7.4.1
WORKBOX_MODULES := core routing strategies precaching
IDB_VERSION := 8.0.4
WORKBOX_DIR := static/vendor/workbox-$(WORKBOX_VERSION)
IDB_DIR := static/vendor/idb-$(IDB_VERSION)

vendor:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cd "$$tmp"; \
	npm pack --silent workbox-sw@$(WORKBOX_VERSION) \
		$(foreach m,$(WORKBOX_MODULES),workbox-$(m)@$(WORKBOX_VERSION)) idb@$(IDB_VERSION) >/dev/null; \
	for f in *.tgz; do mkdir "$${f%.tgz}"; tar -xzf "$$f" -C "$${f%.tgz}"; done; \
	cd "$(CURDIR)"; \
	rm -rf $(WORKBOX_DIR) $(IDB_DIR); mkdir -p $(WORKBOX_DIR) $(IDB_DIR); \
	cp "$$tmp/workbox-sw-$(WORKBOX_VERSION)/package/build/workbox-sw.js" \
		"$$tmp/workbox-sw-$(WORKBOX_VERSION)/package/LICENSE" $(WORKBOX_DIR)/; \
	for m in $(WORKBOX_MODULES); do \
		cp "$$tmp/workbox-$$m-$(WORKBOX_VERSION)/package/build/workbox-$$m.prod.js" $(WORKBOX_DIR)/; \
	done; \
	cp "$$tmp/idb-$(IDB_VERSION)/package/build/umd.js" "$$tmp/idb-$(IDB_VERSION)/package/LICENSE" $(IDB_DIR)/; \
	sed -i '/^\/\/# sourceMappingURL=/d' $(WORKBOX_DIR)/*.js $(IDB_DIR)/*.js; \
	echo "vendored: $$(ls $(WORKBOX_DIR) $(IDB_DIR) | tr '\n' ' ')"

bench: install-dev
	$(BIN)/python -m benchmarks

# The load scenario (loadtest/): a fresh demo city in PostgreSQL (LOAD_DATABASE_URL,
# default the kube_load database on 127.0.0.1:5432), gunicorn, 50 locust users for 2
# minutes; prints the figures and fails when a request failed or p95 > 500 ms.
$(VENV)/.installed-load: requirements.txt requirements-load.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-load.txt
	touch $@

load: $(VENV)/.installed-load
	$(BIN)/python -m loadtest

# The same users against two gunicorn instances and two job workers on one PostgreSQL
# (default database kube_load_cluster, ports 8011 and 8012); server A is killed half-way
# (SIGKILL). Fails when an accepted report or job is lost, or a request failed that was
# not in flight on the killed server (loadtest/cluster.py).
load-cluster: $(VENV)/.installed-load
	$(BIN)/python -m loadtest --cluster

clean:
	rm -rf $(VENV) var staticfiles
