# shellcheck shell=bash
# Sourced by serve.sh, test.sh and lint.sh: where the suite is, which Python,
# which PostgreSQL, which addons (listed by manifestoo) and Odoo's addons path.
#
# Sets: REPO (this repository), ROOT (the addons' directory, $SUITE_ROOT or
# REPO), PY, PGHOST/PGPORT (exported; libpq and Odoo read them), MODULES
# (a,b,c) and MODULE_LIST (array), ADDONS_PATH (needs an importable Odoo:
# call suite_addons_path after `odoo_env.py check`), DB_ARGS (Odoo's options).
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "${SUITE_ROOT:-$REPO}" && pwd)"
export SUITE_ROOT="$ROOT"
PY="${PYTHON:-python3}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
DB_ARGS=(--db_host="$PGHOST" --db_port="$PGPORT")
if [ -n "${PGUSER:-}" ]; then DB_ARGS+=(--db_user="$PGUSER"); fi
cd "$ROOT"

# pip_install FILE...: the suite's requirements, quietly.
pip_install() {
    local args=()
    for file in "$@"; do args+=(-r "$REPO/$file"); done
    "$PY" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${args[@]}"
}

# suite_modules: every installable addon at the top of ROOT (manifestoo).
suite_modules() {
    MODULES="$("$PY" -m manifestoo --select-addons-dir "$ROOT" list --separator=,)"
    IFS=, read -r -a MODULE_LIST <<<"$MODULES"
}

suite_addons_path() {
    ADDONS_PATH="$("$PY" "$REPO/scripts/odoo_env.py" addons-path)"
}
