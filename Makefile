# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
BIN      = $(VENV)/bin
STAMP    = $(VENV)/.installed-stamp
DEMO_DB  = sqlite:///$(CURDIR)/.demo/outreach.db

.PHONY: demo test lint bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Run the main job on the bundled demo campaign (a SQLite store in .demo/), then open the app.
demo: $(STAMP)
	$(BIN)/outreach -C . --db $(DEMO_DB) db upgrade
	$(BIN)/outreach -C . --db $(DEMO_DB) markets
	for tag in es-MX es-ES es-AR de-DE en-GB fr-FR pt-BR; do \
		$(BIN)/outreach -C . --db $(DEMO_DB) import prospects/$$tag.csv --market $$tag --strict || exit 1; \
	done
	$(BIN)/outreach -C . --db $(DEMO_DB) dedupe --market es-MX
	$(BIN)/outreach -C . --db $(DEMO_DB) render --market es-MX
	$(BIN)/outreach -C . --db $(DEMO_DB) review status
	$(BIN)/outreach -C . --db $(DEMO_DB) app    # in a terminal: the app; in scripts and CI: a summary

## Lint, types, the import contract, then every test.
test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## Benchmarks that print their figures (run them on a quiet machine; the dedupe ones need the
## bench extra: splink, duckdb, recordlinkage).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/render_bench.py
	$(BIN)/python bench/gate_bench.py
	$(BIN)/python bench/dedupe_bench.py --sizes 10000,100000,1000000
	$(BIN)/python bench/febrl_bench.py
	$(BIN)/python bench/import_bench.py --sizes 100000,1000000
	$(BIN)/python bench/schedule_bench.py --requests 100000
	$(BIN)/python bench/send_bench.py --messages 10000
	$(BIN)/python bench/mailbox_bench.py --parse 20000 --sync 2000
	$(BIN)/python bench/app_bench.py --prospects 100000

bench-quick: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/render_bench.py
	$(BIN)/python bench/gate_bench.py --placements 100000 --requests 2000
	$(BIN)/python bench/dedupe_bench.py --sizes 10000
	$(BIN)/python bench/febrl_bench.py
	$(BIN)/python bench/import_bench.py --sizes 10000
	$(BIN)/python bench/schedule_bench.py --requests 10000
	$(BIN)/python bench/send_bench.py --messages 1000
	$(BIN)/python bench/mailbox_bench.py
	$(BIN)/python bench/app_bench.py --prospects 10000

clean:
	rm -rf $(VENV) .demo .mypy_cache .pytest_cache .ruff_cache
