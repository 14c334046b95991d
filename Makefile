# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
BIN      = $(VENV)/bin
STAMP    = $(VENV)/.installed-stamp
DEMO_DB  = sqlite:///$(CURDIR)/.demo/outreach.db

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Run the main job on the bundled demo campaign (a SQLite store in .demo/).
demo: $(STAMP)
	$(BIN)/outreach -C . --db $(DEMO_DB) db upgrade
	$(BIN)/outreach -C . --db $(DEMO_DB) markets
	$(BIN)/outreach -C . --db $(DEMO_DB) render --market es-MX
	$(BIN)/outreach -C . --db $(DEMO_DB) review status

## Lint, types, the import contract, then every test.
test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## Benchmarks that print their figures (run them on a quiet machine).
bench: $(STAMP)
	$(BIN)/python bench/render_bench.py

clean:
	rm -rf $(VENV) .demo .mypy_cache .pytest_cache .ruff_cache
