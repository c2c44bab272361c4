# The two commands: `make run` starts the portal with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PORT ?= 8501

.PHONY: run test test-fast lint bench installed migrate demo clean

# Running needs only the portal and its own dependencies; the test tools (pytest, Playwright, …) come with `make test`.
$(BIN)/python:
	@echo "Skapar den virtuella Python-miljön $(VENV) ..."
	@$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installerar portalen och dess beroenden i $(VENV) (logg: $(VENV)/pip.log) ..."
	@$(BIN)/pip install --quiet -e . > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	@echo "Installerar testverktygen (pytest, Playwright, axe-core, pypdf, aiosmtpd, ruff, mypy) ..."
	@$(BIN)/pip install --quiet -e ".[test]" >> $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	@touch $(TEST_STAMP)

## run: install, migrate, load the demo into an empty database, start http://localhost:$(PORT) (development mode,
## which only `make run` asks for: it listens on this computer only)
run: $(STAMP)
	@STRALPORTAL_ENV=development $(BIN)/stralportal serve --port $(PORT)

## lint: ruff over everything, mypy over core/ (configured in pyproject.toml)
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## test: install the test tools too, lint, and run the whole suite (browser tests need Debian's chromium)
test: lint
	$(BIN)/python -m pytest -q

## test-fast: lint, then everything but the browser tests
test-fast: lint
	$(BIN)/python -m pytest -q -m "not e2e"

## bench: measure every page at 15, 60 and 240 clinics, the import, the minutes and --help (JSON; several minutes);
## BENCH="--small" (or any `stralportal bench` arguments) for a quick run
BENCH ?=
bench: $(TEST_STAMP)
	$(BIN)/stralportal bench $(BENCH) > bench.json
	$(BIN)/python -m benchmarks.table bench.json

## installed: build the wheel, install it in a fresh venv and check the installed portal from another folder
installed: $(TEST_STAMP)
	$(BIN)/python -m tests.installed.build_and_check

migrate: $(STAMP)
	$(BIN)/stralportal db upgrade

clean:
	rm -rf $(VENV) *.egg-info
