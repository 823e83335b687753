#!/usr/bin/env bash
# `make serve`: run the suite with demo data at http://localhost:$PORT.
# The first run creates the database $DB with every addon of the suite, demo
# data, English (the default) and Russian; later runs reuse it (drop it to start over:
# `python3 scripts/odoo_env.py drop-db $DB`).
#
# Settings (environment): DB (repair_service_demo), PORT (8069),
# ODOO_EXTRA_ADDONS_PATH, PGHOST (127.0.0.1) / PGPORT (5432) / PGUSER /
# PGPASSWORD, PYTHON (python3), SUITE_ROOT (default: this repository).
# Any further arguments are passed to Odoo (e.g. `scripts/serve.sh --dev=all`).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "${SUITE_ROOT:-$REPO}" && pwd)"
export SUITE_ROOT="$ROOT"
PY="${PYTHON:-python3}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
DB="${DB:-repair_service_demo}"
PORT="${PORT:-8069}"
cd "$ROOT"

"$PY" "$REPO/scripts/odoo_env.py" check
echo "Installing the Python requirements (requirements.txt)..."
"$PY" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -r "$REPO/requirements.txt"

MODULES="$("$PY" "$REPO/scripts/odoo_env.py" modules)"
ADDONS_PATH="$("$PY" "$REPO/scripts/odoo_env.py" addons-path)"
DB_ARGS=(--db_host="$PGHOST" --db_port="$PGPORT")
if [ -n "${PGUSER:-}" ]; then DB_ARGS+=(--db_user="$PGUSER"); fi

if ! "$PY" "$REPO/scripts/odoo_env.py" db-exists "$DB"; then
    echo "Creating database $DB: $MODULES with demo data, English and Russian (a few minutes)..."
    # Odoo 18.0 loads demo data unless --without-demo is given.
    if ! "$PY" -m odoo -d "$DB" -i "$MODULES" --addons-path="$ADDONS_PATH" \
        "${DB_ARGS[@]}" --load-language=en_US,ru_RU --stop-after-init; then
        "$PY" "$REPO/scripts/odoo_env.py" drop-db "$DB" || true
        echo "serve: installing the addons into $DB failed (see the log above)." >&2
        exit 1
    fi
fi

cat <<EOF

  Repair service center demo: http://localhost:$PORT  (database $DB)
  Log in as admin / admin. Staff demo users (receptionist, engineer,
  manager, warehouse, operator, cashier) are listed in README.md.
  Stop with Ctrl+C.

EOF
exec "$PY" -m odoo -d "$DB" --addons-path="$ADDONS_PATH" "${DB_ARGS[@]}" \
    --http-port="$PORT" --db-filter="^$DB\$" "$@"
