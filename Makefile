# One command each for the things developers and CI do.
.PHONY: lint format test bench run

lint:
	uv run --frozen ruff check .
	uv run --frozen ruff format --check .
	uv run --frozen mypy desktop sync reports printing
	uv run --frozen mypy ui main.py bench
	uv run --frozen lint-imports --no-cache

format:
	uv run --frozen ruff format .
	uv run --frozen ruff check --fix .

test:
	QT_QPA_PLATFORM=offscreen uv run --frozen pytest -q

bench:
	uv run --frozen python -m bench
