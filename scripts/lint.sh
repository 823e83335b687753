#!/usr/bin/env bash
# Lint the suite: ruff (lint + format check) and pylint-odoo's mandatory checks.
# Used by `make lint` and by scripts/test.sh. Any finding fails (exit 1).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="${SUITE_ROOT:-$REPO}"
PY="${PYTHON:-python3}"
cd "$ROOT"

fail=0
for tool in ruff pylint_odoo; do
    if ! "$PY" -c "import $tool" 2>/dev/null; then
        echo "lint: Python package ${tool//_/-} is missing." >&2
        echo "      Run: $PY -m pip install -r $REPO/requirements-dev.txt" >&2
        exit 1
    fi
done

echo "lint: ruff check"
"$PY" -m ruff check --no-fix --config "$REPO/.ruff.toml" . || fail=1
echo "lint: ruff format --check"
"$PY" -m ruff format --check --config "$REPO/.ruff.toml" . || fail=1

IFS=, read -r -a modules <<<"$("$PY" "$REPO/scripts/odoo_env.py" modules)"
if [ "${#modules[@]}" -gt 0 ]; then
    echo "lint: pylint-odoo mandatory checks on ${modules[*]}"
    "$PY" -m pylint --rcfile="$REPO/.pylintrc-mandatory" "${modules[@]}" || fail=1
fi

if [ "$fail" -ne 0 ]; then
    echo "lint: FAILED (see the findings above; \`make format\` fixes formatting)" >&2
    exit 1
fi
echo "lint: OK"
