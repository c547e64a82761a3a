# The two set-up commands are `make run` and `make test`; everything else here serves them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@echo "bidtool works on files for now; the web app will be served on http://127.0.0.1:5000."
	@echo "Try: $(BIN)/bidtool appraise fixtures/tca2013/bids/17-swindon-one-swindon.json"
	$(BIN)/bidtool --help

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache
