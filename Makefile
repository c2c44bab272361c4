# The two commands: `make run` starts the portal with demo data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test test-fast bench migrate demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@echo "Installerar beroenden i $(VENV) (logg: $(VENV)/pip.log) ..."
	@$(BIN)/pip install --quiet -e ".[test]" > $(VENV)/pip.log 2>&1 || (cat $(VENV)/pip.log; exit 1)
	$(BIN)/python -c "import core, streamlit, sqlmodel, fpdf, playwright"
	touch $(STAMP)

## run: install, migrate, load the demo into an empty database, start http://localhost:$(PORT)
run: $(STAMP)
	$(BIN)/stralportal serve --port $(PORT)

## test: install and run the whole suite (browser tests need Debian's chromium)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## test-fast: everything but the browser tests
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not e2e"

## bench: measure every page at 15, 60 and 240 clinics, the import, the minutes and --help (JSON; several minutes)
bench: $(STAMP)
	$(BIN)/stralportal bench > bench.json
	$(BIN)/python -m benchmarks.table bench.json

migrate: $(STAMP)
	$(BIN)/stralportal db upgrade

clean:
	rm -rf $(VENV) *.egg-info
