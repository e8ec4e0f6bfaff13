# Two entry points for a newcomer on a fresh Debian machine: `make demo` and `make test`.
# Each installs what it needs: Debian packages (scripts/install-system-deps), then a
# virtual environment with the package and its test extras.

VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test deps system-deps clean

demo: deps
	$(BIN)/broadcaster validate
	$(BIN)/broadcaster list
	$(BIN)/broadcaster spoken

test: deps
	@bash scripts/install-system-deps --for-tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

deps: system-deps $(STAMP)

system-deps:
	@bash scripts/install-system-deps

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
