# The README's two commands: `make demo` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test install install-dev translations lint clean

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
demo: install translations
	$(BIN)/portal db upgrade
	$(BIN)/portal demo load
	$(BIN)/portal serve --port $(PORT)

## make test: the whole suite (PostgreSQL tests run when PORTAL_TEST_DATABASE_URL is set)
test: install-dev translations
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
