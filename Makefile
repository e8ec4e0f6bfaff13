# Two entry points for a newcomer on a fresh Debian machine: `make demo` and `make test`.
# Each installs what it needs: Debian packages (scripts/install-system-deps), then a
# virtual environment with the package and its test extras.

VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test deps system-deps clean

# The main job, offline: the database at this release's schema (as a deploy does),
# render the library with espeak-ng, approve it as "demo",
# plan today and write every station's playlist, then serve the panel with one
# demo account per role on http://127.0.0.1:5000 (Ctrl+C stops).
demo: deps
	$(BIN)/broadcaster db upgrade
	$(BIN)/broadcaster validate
	$(BIN)/broadcaster render --engine espeak
	$(BIN)/broadcaster approve --all --by demo
	$(BIN)/broadcaster plan
	$(BIN)/broadcaster playlists
	$(BIN)/broadcaster user demo
	$(BIN)/broadcaster serve

# The suite on every core (a worker per test file: module fixtures are made once), then
# its date-dependent part again with the clock moved a year ahead to 30 s before local
# midnight (tests/shifted_clock.py): it must pass on any day, across any midnight.
# Speech, mastering, normalisation, rendering, the library, the leaflet (pinned
# clock), YAML and input limits, password rules, CLI error handling and start-up,
# the security headers, the every-page and redirect scans (pinned clock) and the
# schema migrations read no clock and run once.
PARALLEL := -n auto --maxprocesses=4 --dist loadfile
CLOCK_FREE := --ignore=tests/speech --ignore=tests/mastering --ignore=tests/normalize \
	--ignore=tests/render --ignore=tests/library --ignore=tests/leaflet \
	--ignore=tests/test_yamlsource.py --ignore=tests/accounts/test_passwords.py \
	--ignore=tests/cli/test_errors.py --ignore=tests/cli/test_serve.py \
	--ignore=tests/cli/test_render_processes.py --ignore=tests/panel/test_headers.py \
	--ignore=tests/panel/test_limits.py --ignore=tests/panel/test_every_page.py \
	--ignore=tests/panel/test_redirects.py --ignore=tests/db/test_migrations.py \
	--ignore=tests/cli/test_startup.py

test: deps
	@bash scripts/install-system-deps --for-tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PARALLEL)
	SUITE_CLOCK="+365d 23:59:30" $(BIN)/pytest -q $(PARALLEL) $(CLOCK_FREE)

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
