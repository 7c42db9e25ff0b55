#!/usr/bin/env bash
# Install vn-cleaner with its test extra and run every gate: ruff, mypy, the rule examples, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e ".[test]"
python -m ruff check cleaner tests bench
python -m mypy cleaner
python -m pytest -q "$@"
