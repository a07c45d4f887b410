# Two commands on a fresh clone: `make reports` and `make test`. Both create and reuse .venv/.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOBS ?= $(shell $(PYTHON) -c "import os; print(len(os.sched_getaffinity(0)))" 2>/dev/null || echo 2)

PYTEST_ARGS ?=
# Files held to ruff, ruff format and mypy. To grow to the whole tree (then: mypy src/tradeviz, no --follow-imports).
LINT_PATHS ?= src/tradeviz/paths.py src/tradeviz/cli.py src/tradeviz/render.py src/tradeviz/refresh.py \
	src/tradeviz/io.py src/tradeviz/provenance.py src/tradeviz/validate.py src/tradeviz/parameters.py \
	src/tradeviz/prose.py src/tradeviz/countries.py src/tradeviz/__init__.py src/tradeviz/__main__.py \
	src/tradeviz/build_recent.py src/tradeviz/recent.py src/tradeviz/charts_published.py \
	src/tradeviz/engine.py src/tradeviz/manifest.py \
	hatch_build.py tests/test_cli_errors.py tests/test_wheel.py tests/test_docs.py tests/test_recent.py \
	tests/test_recent_data.py tests/test_prose.py tests/test_chart_export.py src/tradeviz/chart_export.py \
	src/tradeviz/report_assets.py src/tradeviz/citation.py tests/test_citation.py src/tradeviz/site.py src/tradeviz/pdf.py \
	src/tradeviz/tables.py tests/test_tables.py src/tradeviz/charts.py src/tradeviz/charts_style.py src/tradeviz/charts_series.py \
	src/tradeviz/charts_mirror.py src/tradeviz/charts_map.py \
	tests/test_engine.py

.PHONY: reports test lint print-lint-paths data venv refresh-notebooks bench clean

reports: data  ## set up, build and validate the data, render every report into reports/
	$(BIN)/tradeviz render --jobs $(JOBS)

test: lint  ## set up, lint, and run the whole test suite (unit, data, wheel, nbval, browser)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg $(PYTEST_ARGS) tests notebooks

lint: venv  ## ruff check, ruff format --check and mypy over LINT_PATHS (the same checks as pre-commit)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy --follow-imports=silent $(LINT_PATHS)

print-lint-paths:  # for .pre-commit-config.yaml: one list of linted files
	@echo $(LINT_PATHS)

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
	$(BIN)/python benchmarks/bench_render.py

clean:
	rm -rf $(VENV)
