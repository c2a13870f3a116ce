# Groundwork. `make run` starts the platform; `make test` runs every check. Both set up .venv/ first.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: pip runs again only when pyproject.toml or constraints.txt change.
STAMP := $(VENV)/.groundwork-installed
PY_DIRS := $(wildcard backend tests bench workflow_service sdk)

export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The first Python 3.11+ on PATH; override with `make run PYTHON=/path/to/python3.12`.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: help install run serve test lint ruff typecheck layers pytest test-pg bench migrate lock clean distclean \
	ui frontend-test chromium

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or newer is needed; none found on PATH" \
		"(try: make $(MAKECMDGOALS) PYTHON=/path/to/python3.11)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml sdk/pyproject.toml constraints.txt | $(BIN)/python
	@echo "Installing Groundwork and its dependencies into $(VENV)/ (the first time takes a minute or two)..."
	$(BIN)/python -m pip install --quiet -c constraints.txt -e "./sdk[events,workflows]" -e ".[dev,ml]"
	@touch $@

install: $(STAMP) ## create .venv/ and install the project with its dev tools (only when needed)

# The browser UI: `npm ci` when the lock file changes, a Vite build when a source changes (stamps).
UI := frontend
UI_DEPS := $(UI)/node_modules/.groundwork-installed
UI_BUILD := $(UI)/dist/.groundwork-built
UI_SOURCES := $(shell find $(UI)/src $(UI)/public -type f 2>/dev/null) \
	$(wildcard $(UI)/index.html $(UI)/vite.config.ts $(UI)/tsconfig*.json)

$(UI_DEPS): $(UI)/package.json $(UI)/package-lock.json
	cd $(UI) && npm ci --no-audit --no-fund
	@touch $@

$(UI_BUILD): $(UI_DEPS) $(UI_SOURCES)
	cd $(UI) && npm run build
	@touch $@

ui: $(UI_BUILD) ## build the browser UI into frontend/dist/ (only when its sources changed)

run: $(STAMP) $(UI_BUILD) ## start the platform on http://127.0.0.1:$GROUNDWORK_PORT (default 8000) with the demo project
	$(BIN)/groundwork serve --demo

serve: run

test: lint pytest frontend-test ## every check: ruff, mypy, import layers, pytest, the UI's checks (GROUNDWORK_TEST_DATABASE_URL: on PostgreSQL)

lint: ruff typecheck layers ## ruff, mypy and the import-layer contracts

ruff: $(STAMP)
	$(BIN)/ruff check $(PY_DIRS)

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports
	@if [ -d workflow_service ]; then $(BIN)/lint-imports --config .ci/importlinter-workflow.ini; fi

pytest: $(STAMP)
	$(BIN)/pytest -q

# Playwright drives Debian's Chromium (browser downloads do not work here); installed when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x "$${CHROMIUM_PATH:-}" ] || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Playwright keeps screenshots of the key screens in frontend/test-results/screens/ (git-ignored), and a
# trace and a screenshot of every failure in frontend/test-results/artifacts/.
frontend-test: $(STAMP) $(UI_BUILD) chromium ## the UI's checks: ESLint, tsc, API-client drift, Vitest, Playwright
	cd $(UI) && npm run --silent lint && npm run --silent typecheck && npm run --silent check:api \
		&& npm run --silent test:unit
	cd $(UI) && CHROMIUM_PATH="$${CHROMIUM_PATH:-$$(command -v chromium)}" npm run --silent test:e2e

test-pg: $(STAMP) ## the Python tests on PostgreSQL (set GROUNDWORK_TEST_DATABASE_URL=postgresql://...)
	@test -n "$$GROUNDWORK_TEST_DATABASE_URL" || { echo "error: set GROUNDWORK_TEST_DATABASE_URL" \
		"(e.g. postgresql://postgres@127.0.0.1:5432/gw_test)" >&2; exit 2; }
	$(BIN)/pytest -q

bench: $(STAMP) ## run every bench/*.py (helpers named _*.py are skipped)
	@shopt -s nullglob; files=(); for f in bench/*.py; do [[ $$(basename "$$f") == _* ]] || files+=("$$f"); done; \
	if [ $${#files[@]} -eq 0 ]; then echo "no benchmarks in bench/"; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; $(BIN)/python "$$f" || exit $$?; done

migrate: $(STAMP) ## bring the configured database to the newest schema
	$(BIN)/groundwork migrate

lock: $(STAMP) ## write constraints.txt from what .venv/ has installed
	@{ echo '# Exact versions of every dependency of the dev environment (pip install -c constraints.txt -e ".[dev,ml]").'; \
	  echo '# Regenerate after changing dependencies in pyproject.toml: make lock'; \
	  $(BIN)/python -m pip freeze --exclude-editable --exclude groundwork; } > constraints.txt.new
	@mv constraints.txt.new constraints.txt && touch $(STAMP) && echo "wrote constraints.txt"

clean: ## remove caches (keeps .venv/ and data/)
	rm -rf .pytest_cache .mypy_cache .ruff_cache build dist
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean ## also remove .venv/ and the UI's node_modules/ and dist/
	rm -rf $(VENV) $(UI)/node_modules $(UI)/dist
