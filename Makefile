# The README's two commands: `make demo` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test install install-dev translations lint clean assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations

## make demo: migrate the embedded catalog, load the demo data, serve on http://127.0.0.1:$(PORT)
## (the demo's IRIs are minted from its own address when first loaded)
demo: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
demo: install translations assets
	$(BIN)/portal db upgrade
	$(BIN)/portal demo load
	$(BIN)/portal museum datasets
	$(BIN)/portal quality assess
	$(BIN)/portal sparql rebuild
	$(BIN)/portal dumps build
	$(BIN)/portal serve --port $(PORT)

## make test: the whole suite (PostgreSQL tests run when PORTAL_TEST_DATABASE_URL is set)
test: install-dev translations assets
	$(BIN)/python -m pytest -n 2 --durations=15 $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

## make messages: re-extract user-facing strings into the catalogs in translations/
messages: install
	$(BIN)/pybabel extract --no-location --sort-by-file -F babel.cfg -k N_ -k _l -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache

## make assets: Leaflet (served from portal/static/vendor/, no CDN) and axe-core (browser tests)
## from the npm registry into gitignored folders; without npm the maps stay lists and the
## browser tests skip (they fail in CI).
ASSET_DIR := .browser-deps
LEAFLET_VERSION := 1.9.4
AXE_VERSION := 4.14.1
assets: portal/static/vendor/leaflet/leaflet.js

portal/static/vendor/leaflet/leaflet.js:
	@if command -v npm >/dev/null; then \
	  npm install -s --prefix $(ASSET_DIR) --no-save --no-package-lock --no-audit --no-fund \
	    leaflet@$(LEAFLET_VERSION) axe-core@$(AXE_VERSION) && \
	  mkdir -p portal/static/vendor/leaflet && \
	  cp -r $(ASSET_DIR)/node_modules/leaflet/dist/leaflet.js \
	    $(ASSET_DIR)/node_modules/leaflet/dist/leaflet.css \
	    $(ASSET_DIR)/node_modules/leaflet/dist/images \
	    $(ASSET_DIR)/node_modules/leaflet/LICENSE portal/static/vendor/leaflet/; \
	else echo "npm not found: maps without Leaflet, browser tests skip (make assets)" >&2; fi
