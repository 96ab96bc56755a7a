# ogl-impact: `make` lists the targets. Everything runs in .venv, built from uv.lock.
.DEFAULT_GOAL := help
SHELL := /bin/bash

UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced
RAW ?= data/raw
PROCESSED ?= data/processed

.PHONY: help setup report validate process figures test lint format demo-data bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --all-groups --compile-bytecode
	@$(BIN)/python -m compileall -q src  # fresh processes start without compiling the package
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv exactly as uv.lock says (all groups)

report: setup validate process figures ## Set up, validate and process the embedded data, build the figures

validate: setup ## Check every table in $(RAW)
	$(BIN)/ogl-impact validate $(RAW)

process: setup ## Write $(RAW) as Parquet + datapackage.json to $(PROCESSED)
	$(BIN)/ogl-impact process $(RAW) $(PROCESSED)

figures: setup ## Build every report's figures and galleries into reports/figures/
	$(BIN)/ogl-impact figures --all

test: setup ## Lint and run the whole test suite
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/pytest

lint: setup ## Lint only
	$(BIN)/ruff check src tests benchmarks

format: setup ## Format the code
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

demo-data: setup ## Regenerate the synthetic tables in $(RAW) (deterministic)
	$(BIN)/ogl-impact demo-data $(RAW)

bench: setup ## Run the benchmarks (national-scale data in /tmp; takes minutes)
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_process.py
	$(BIN)/python benchmarks/bench_survey.py
	$(BIN)/python benchmarks/bench_coverage.py
	$(BIN)/python benchmarks/bench_figures.py

clean: ## Remove the environment and every generated file
	rm -rf $(VENV) $(PROCESSED) reports/figures .pytest_cache .ruff_cache .hypothesis
