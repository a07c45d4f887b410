# Two commands on a fresh clone: `make reports` and `make test`. Both create and reuse .venv/.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= $(shell $(PYTHON) -c "import os; print(len(os.sched_getaffinity(0)))" 2>/dev/null || echo 2)

PYTEST_ARGS ?=
# Everything is linted: the package, the tests, the benchmarks and the build hook (mypy reads its files from
# pyproject.toml; import-linter its contracts).
LINT_PATHS := src tests benchmarks hatch_build.py

.PHONY: reports test lint data venv refresh-notebooks bench clean

reports: data  ## set up, build and validate the data, render every report into reports/
	$(BIN)/tradeviz render --jobs $(JOBS)

test: lint  ## set up, lint, and run the whole test suite (unit, data, wheel, nbval, browser)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg $(PYTEST_ARGS) tests notebooks

lint: venv  ## ruff check, ruff format --check, mypy and import-linter over the whole tree (as pre-commit does)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/lint-imports

data: venv  ## derive the curated tables from data/raw and validate them
	$(BIN)/tradeviz data build
	$(BIN)/tradeviz data validate

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock Makefile
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 'tradeviz needs Python 3.11 or newer; run make with PYTHON=python3.11 (or newer)')"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	# the notebooks declare the standard kernel "python3": Jupyter and papermill started from .venv run them with .venv
	touch $(STAMP)

refresh-notebooks: venv  ## re-execute notebooks/ in place after an intended change (byte-stable: run twice, git stays clean)
	$(BIN)/tradeviz notebooks refresh

bench: venv  ## benchmark scripts (print ratios against baselines measured in the same run)
	$(BIN)/python benchmarks/bench_metrics.py
	$(BIN)/python benchmarks/bench_products.py
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_costs.py
	$(BIN)/python benchmarks/bench_figures.py

clean:
	rm -rf $(VENV)
