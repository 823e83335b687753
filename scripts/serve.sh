#!/usr/bin/env bash
# `make serve`: run the suite with demo data at http://localhost:$PORT.
# The first run creates the database $DB (click-odoo-initdb) with every addon
# of the suite, demo data, English (the default) and Russian; later runs reuse
# it. To start over: `click-odoo-dropdb $DB`.
#
# Settings (environment): DB (repair_service_demo), PORT (8069),
# ODOO_EXTRA_ADDONS_PATH, PGHOST/PGPORT/PGUSER/PGPASSWORD, PYTHON, SUITE_ROOT.
# Further arguments go to Odoo (e.g. `scripts/serve.sh --dev=all`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB="${DB:-repair_service_demo}"
PORT="${PORT:-8069}"

"$PY" "$REPO/scripts/odoo_env.py" check
echo "Installing the Python requirements (requirements.txt, requirements-dev.txt)..."
pip_install requirements.txt requirements-dev.txt
suite_modules
suite_addons_path
CONF="$(mktemp)"
printf '[options]\naddons_path = %s\nload_language = en_US,ru_RU\n' "$ADDONS_PATH" >"$CONF"
echo "Database $DB: $MODULES with demo data, English and Russian (the first run takes a few minutes)..."
if ! click-odoo-initdb -c "$CONF" -n "$DB" -m "$MODULES" --demo --no-cache --unless-initialized; then
    # A half-made database would be taken as ready by the next run.
    click-odoo-dropdb -c "$CONF" --if-exists "$DB" || true
    rm -f "$CONF"
    echo "serve: installing the addons into $DB failed (see the log above)." >&2
    exit 1
fi
rm -f "$CONF"

cat <<EOT

  Repair service center demo: http://localhost:$PORT  (database $DB)
  Log in as admin / admin. Staff demo users (receptionist, engineer,
  manager, warehouse, operator, cashier) are listed in README.md.
  Stop with Ctrl+C.

EOT
exec "$PY" -m odoo -d "$DB" --addons-path="$ADDONS_PATH" "${DB_ARGS[@]}" \
    --http-port="$PORT" --db-filter="^$DB\$" "$@"
