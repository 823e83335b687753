#!/usr/bin/env bash
# `make test`: check the environment, lint, install every addon of the suite
# with demo data into a fresh database, check the translations, then run the
# tests with pytest-odoo (browser tours included). Fails fast, saying why.
#
# The ecosystem's tools do the work (see scripts/README.md): manifestoo lists
# the addons, click-odoo-initdb/-dropdb make the database, click-odoo-makepot
# exports the .pot files, checklog-odoo fails on errors and warnings in Odoo's
# logs (ignore list: checklog-odoo.cfg), and scripts/check_junit.py fails on a
# skipped test (a skipped tour means no Chromium or websocket-client).
#
# Settings (environment): TEST_DB (repair_service_test), TEST_LANG
# (en_US,ru_RU; empty to skip), TEST_ARTIFACTS (logs, junit.xml, filestore;
# default ${TMPDIR:-/tmp}/odoo-test-$TEST_DB, emptied first), TEST_HTTP_PORT
# (8069: the test server's port; change it to run two suites side by side),
# ODOO_EXTRA_ADDONS_PATH, PGHOST/PGPORT/PGUSER/PGPASSWORD, PYTHON, SUITE_ROOT.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TEST_DB="${TEST_DB:-repair_service_test}"
TEST_LANG="${TEST_LANG-en_US,ru_RU}"
ART="${TEST_ARTIFACTS:-${TMPDIR:-/tmp}/odoo-test-$TEST_DB}"

T0=$(date +%s)
TIMINGS=()
phase() {
    PHASE_NAME="$1" PHASE_START=$(date +%s)
    echo
    echo "=== make test: $PHASE_NAME"
}
phase_done() {
    TIMINGS+=("$(printf '%-8s %4ss' "$PHASE_NAME" "$(($(date +%s) - PHASE_START))")")
}
die() {
    echo
    echo "make test: FAILED: $*"
    exit 1
}
phase check
# The suite's requirements, its test tools and linters included, so that
# `make test` alone sets up a fresh machine that has Odoo.
pip_install requirements.txt requirements-dev.txt || die "installing the requirements"
"$PY" "$REPO/scripts/odoo_env.py" check --for-tests || die "environment (see above)"
suite_modules
suite_addons_path
echo "modules:     $MODULES"
echo "addons path: $ADDONS_PATH"
echo "artifacts:   $ART"
if [ -e "$ART" ] && [ ! -e "$ART/.odoo-test-artifacts" ] && [ -n "$(ls -A "$ART")" ]; then
    die "$ART exists and was not made by make test; set TEST_ARTIFACTS elsewhere"
fi
rm -rf "$ART"
mkdir -p "$ART"
touch "$ART/.odoo-test-artifacts"
# Odoo's configuration for every tool of the run: a developer's ~/.odoorc must
# not change it. The database server comes from libpq's PG* variables.
printf '[options]\naddons_path = %s\ndata_dir = %s\n' "$ADDONS_PATH" "$ART/data" >"$ART/odoo.conf"
export ODOO_RC="$ART/odoo.conf"
phase_done

phase lint
bash "$REPO/scripts/lint.sh" || die "lint (see above)"
phase_done

phase install
echo "installing $MODULES into a new database $TEST_DB (demo data${TEST_LANG:+, languages $TEST_LANG});"
echo "log: $ART/install.log"
click-odoo-dropdb --if-exists "$TEST_DB"
# The languages are loaded while the database is made (Odoo's load_language).
cp "$ART/odoo.conf" "$ART/initdb.conf"
if [ -n "$TEST_LANG" ]; then echo "load_language = $TEST_LANG" >>"$ART/initdb.conf"; fi
if ! click-odoo-initdb -c "$ART/initdb.conf" -n "$TEST_DB" -m "$MODULES" --demo \
    --no-cache --log-level=info --logfile="$ART/install.log"; then
    tail -n 60 "$ART/install.log" || true
    die "installing the addons (see the end of $ART/install.log above)"
fi
bash "$REPO/scripts/checklog.sh" "$ART/install.log" || die "errors or warnings in the install log (see above)"
phase_done

phase i18n
"$PY" "$REPO/scripts/check_i18n.py" --db "$TEST_DB" --modules "$MODULES" --addons-dir "$ROOT" ||
    die "translations (see above)"
phase_done

phase pytest
TEST_DIRS=()
for dir in "${MODULE_LIST[@]/%//tests}" tests "$REPO/scripts/tests"; do
    if [ -n "$(find "$dir" -name 'test_*.py' -print -quit 2>/dev/null)" ]; then
        TEST_DIRS+=("$dir")
    fi
done
echo "testing: ${TEST_DIRS[*]}"
echo "Odoo log: $ART/pytest-odoo.log"
echo "timings so far: ${TIMINGS[*]}"
set +e
# scripts/odoo_suite_pytest.py: a fixture that makes tours robust, see there.
PYTHONPATH="$REPO/scripts${PYTHONPATH:+:$PYTHONPATH}" \
    "$PY" -m pytest -c "$REPO/pytest.ini" --rootdir="$ROOT" -p odoo_suite_pytest \
    --odoo-database="$TEST_DB" --odoo-addons-path="$ADDONS_PATH" --odoo-http \
    --odoo-log-level=info --odoo-extra=logfile="$ART/pytest-odoo.log" \
    --odoo-extra=data-dir="$ART/data" --odoo-extra=http-interface=127.0.0.1 \
    --odoo-extra=http-port="${TEST_HTTP_PORT:-8069}" \
    -p no:cacheprovider --junitxml="$ART/junit.xml" "${TEST_DIRS[@]}"
rc=$?
set -e
problems=()
[ "$rc" -eq 0 ] || problems+=("pytest exited $rc")
# checklog-odoo.cfg's [pytest] section: what the test harness logs on purpose.
bash "$REPO/scripts/checklog.sh" "$ART/pytest-odoo.log" pytest ||
    problems+=("errors or warnings in $ART/pytest-odoo.log (see above)")
"$PY" "$REPO/scripts/check_junit.py" "$ART/junit.xml" --quiet || problems+=("skipped or no tests")
echo "timings: ${TIMINGS[*]}; pytest $(($(date +%s) - PHASE_START))s; total $(($(date +%s) - T0))s"
[ "${#problems[@]}" -eq 0 ] || die "$(printf '%s; ' "${problems[@]}")"
