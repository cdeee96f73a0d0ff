# The two commands of the README: `make run` and `make test`. Everything else is a step they call.
SHELL := /bin/bash
UV_VERSION := 0.13.9
PORT ?= 5000
export UV_LINK_MODE := copy

.PHONY: run test setup setup-test bench lint

## Install everything the app needs and serve it on 127.0.0.1:$(PORT) (HOST=0.0.0.0 to listen on every interface;
## SQLite under instance/ unless DATABASE_URL says otherwise). See planner/web/serve.py for why waitress, pre-forked.
run: setup
	uv run --frozen python -m planner.web.serve

## Install everything the tests need (Python, npm, Debian's Chromium and PostgreSQL) and run the whole suite,
## browser tests included; then the storage and web tests again against a throwaway local PostgreSQL.
test: setup-test
	uv run --frozen pytest
	bash scripts/postgres-test uv run --frozen pytest tests/storage tests/web -q -p no:cacheprovider

## Python packages from uv.lock; htmx from the npm registry (pinned and integrity-checked by package-lock.json).
setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	uv sync --frozen
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/vendor-static

## Setup plus what only the tests need: Debian's Chromium for Playwright.
setup-test: setup
	bash scripts/install-chromium

bench: setup
	uv run --frozen python bench/solve_bench.py
	uv run --frozen python bench/solver_params.py

lint: setup
	uv run --frozen ruff check planner tests bench
