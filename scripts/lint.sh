#!/usr/bin/env bash
# Lint the suite with the tools OCA repositories run: ruff, pylint-odoo's
# mandatory checks, oca-checks-odoo-module (XML, CSV, manifests) and
# oca-checks-po (.po files). Any finding fails (exit 1).
#
#   scripts/lint.sh              every check (`make lint`, `make test`)
#   scripts/lint.sh CHECK...     some of: ruff format pylint oca-module oca-po
#                                (the hooks of .pre-commit-config.yaml)
# Settings: SUITE_ROOT (the addons' directory; the tooling's tests point it at
# a planted addon), PYTHON.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

for tool in ruff pylint_odoo manifestoo oca_pre_commit_hooks; do
    if ! "$PY" -c "import $tool" 2>/dev/null; then
        echo "lint: Python package ${tool//_/-} is missing." >&2
        echo "      Run: $PY -m pip install -r $REPO/requirements-dev.txt" >&2
        exit 1
    fi
done
suite_modules
OCA_CFG=(--config "$REPO/.oca_hooks.cfg")

check_ruff() { "$PY" -m ruff check --no-fix --config "$REPO/.ruff.toml" .; }
check_format() { "$PY" -m ruff format --check --config "$REPO/.ruff.toml" .; }
check_pylint() { "$PY" -m pylint --rcfile="$REPO/.pylintrc-mandatory" "${MODULE_LIST[@]}"; }
check_oca-module() { oca-checks-odoo-module "${OCA_CFG[@]}" "${MODULE_LIST[@]/%//__manifest__.py}"; }
check_oca-po() {
    local files=()
    shopt -s nullglob
    for module in "${MODULE_LIST[@]}"; do
        files+=("$module"/i18n/*.po "$module"/i18n/*.pot)
    done
    shopt -u nullglob
    [ "${#files[@]}" -eq 0 ] || oca-checks-po "${OCA_CFG[@]}" "${files[@]}"
}

checks=("$@")
[ "${#checks[@]}" -gt 0 ] || checks=(ruff format pylint oca-module oca-po)
failed=()
for check in "${checks[@]}"; do
    if ! declare -F "check_$check" >/dev/null; then
        echo "lint: unknown check $check (ruff format pylint oca-module oca-po)" >&2
        exit 2
    fi
    echo "lint: $check"
    "check_$check" || failed+=("$check")
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "lint: FAILED: ${failed[*]} (see above; \`make format\` fixes formatting," \
        "\`oca-checks-odoo-module --fix\` most XML findings)" >&2
    exit 1
fi
echo "lint: OK"
