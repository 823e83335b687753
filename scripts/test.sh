#!/usr/bin/env bash
# `make test`: check the environment, lint, install every addon of the suite
# with demo data in a fresh database, then run the tests with pytest-odoo
# (browser tours included). Fails fast, with a message saying what to do.
#
# Settings (environment): TEST_DB (repair_service_test), TEST_LANG (en_US,ru_RU; empty
# to skip), TEST_ARTIFACTS (logs, junit.xml, filestore; default
# ${TMPDIR:-/tmp}/odoo-test-$TEST_DB, emptied first), ODOO_EXTRA_ADDONS_PATH,
# PGHOST (127.0.0.1) / PGPORT (5432) / PGUSER / PGPASSWORD, PYTHON (python3),
# SUITE_ROOT (the directory holding the addons, default: this repository),
# TEST_HTTP_PORT (8069: the port of the test server that tours and XML-RPC
# tests talk to; change it to run two suites side by side).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "${SUITE_ROOT:-$REPO}" && pwd)"
export SUITE_ROOT="$ROOT"
PY="${PYTHON:-python3}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
TEST_DB="${TEST_DB:-repair_service_test}"
TEST_LANG="${TEST_LANG-en_US,ru_RU}"
ART="${TEST_ARTIFACTS:-${TMPDIR:-/tmp}/odoo-test-$TEST_DB}"
cd "$ROOT"

T0=$(date +%s)
PHASE_START=$T0
TIMINGS=()
phase() {  # phase NAME: start timing a phase
    PHASE_NAME="$1"
    PHASE_START=$(date +%s)
    echo
    echo "=== make test: $PHASE_NAME"
}
phase_done() {
    local took=$(($(date +%s) - PHASE_START))
    TIMINGS+=("$(printf '%-8s %4ss' "$PHASE_NAME" "$took")")
    echo "=== make test: $PHASE_NAME done in ${took}s"
}
die() {
    echo
    echo "make test: FAILED: $*"
    exit 1
}

# --- a. environment --------------------------------------------------------
phase check
# The suite's own Python requirements, the test tools and linters included, so
# that `make test` alone sets up a fresh machine that has Odoo.
"$PY" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    -r "$REPO/requirements.txt" -r "$REPO/requirements-dev.txt" ||
    die "installing requirements.txt and requirements-dev.txt"
"$PY" "$REPO/scripts/odoo_env.py" check --for-tests || die "environment (see above)"
MODULES="$("$PY" "$REPO/scripts/odoo_env.py" modules)"
ADDONS_PATH="$("$PY" "$REPO/scripts/odoo_env.py" addons-path)"
echo "modules:     $MODULES"
echo "addons path: $ADDONS_PATH"
echo "artifacts:   $ART"
DB_ARGS=(--db_host="$PGHOST" --db_port="$PGPORT")
if [ -n "${PGUSER:-}" ]; then DB_ARGS+=(--db_user="$PGUSER"); fi
if [ -e "$ART" ] && [ ! -e "$ART/.odoo-test-artifacts" ] &&
    [ -n "$(ls -A "$ART" 2>/dev/null)" ]; then
    die "$ART exists and was not made by make test; set TEST_ARTIFACTS elsewhere"
fi
rm -rf "$ART"
mkdir -p "$ART"
touch "$ART/.odoo-test-artifacts"
# An empty configuration file: a developer's ~/.odoorc must not change the run
# (without_demo, addons_path, log settings...). Connection settings come from
# the arguments above and libpq's PG* variables.
printf '[options]\n' >"$ART/odoo.conf"
export ODOO_RC="$ART/odoo.conf"
phase_done

# --- b. lint ---------------------------------------------------------------
phase lint
bash "$REPO/scripts/lint.sh" || die "lint (see above; \`make format\` fixes formatting)"
phase_done

# --- c. install with demo data ----------------------------------------------
phase install
"$PY" "$REPO/scripts/odoo_env.py" drop-db "$TEST_DB"
LANG_ARGS=()
if [ -n "$TEST_LANG" ]; then LANG_ARGS+=(--load-language="$TEST_LANG"); fi
echo "installing $MODULES into a new database $TEST_DB (demo data${TEST_LANG:+, languages $TEST_LANG});"
echo "log: $ART/install.log"
# Odoo 18.0 loads demo data unless --without-demo is given.
if ! "$PY" -m odoo -d "$TEST_DB" -i "$MODULES" --addons-path="$ADDONS_PATH" \
    "${DB_ARGS[@]}" --data-dir="$ART/data" "${LANG_ARGS[@]}" \
    --stop-after-init --log-level=info --logfile="$ART/install.log"; then
    echo "--- last 60 lines of $ART/install.log:"
    tail -n 60 "$ART/install.log" 2>/dev/null || true
    "$PY" "$REPO/scripts/check_log.py" "$ART/install.log" "$MODULES" || true
    die "installing the addons (Odoo exited non-zero)"
fi
grep -E " odoo\.modules\.(loading|registry): (Modules loaded|Registry loaded)" \
    "$ART/install.log" | sed 's/^[^ ]* [^ ]* [0-9]* INFO [^ ]* /  /' || true
"$PY" "$REPO/scripts/check_log.py" "$ART/install.log" "$MODULES" --phase install ||
    die "errors or warnings about the suite in the install log (see above)"
phase_done

# --- c2. translations ---------------------------------------------------------
phase i18n
# Every term of every addon (exported fresh from the installed database) must be
# translated in <addon>/i18n/ru.po, placeholders intact, and the .pot current.
"$PY" "$REPO/scripts/check_i18n.py" --db "$TEST_DB" --addons-path "$ADDONS_PATH" \
    --modules "$MODULES" --db-host "$PGHOST" --db-port "$PGPORT" \
    ${PGUSER:+--db-user "$PGUSER"} ||
    die "translations (see above; \`python3 scripts/check_i18n.py --help\`)"
phase_done

# --- d. tests ---------------------------------------------------------------
phase pytest
TEST_DIRS=()
IFS=, read -r -a module_list <<<"$MODULES"
for dir in "${module_list[@]/%//tests}" tests; do
    if [ -d "$dir" ] && [ -n "$(find "$dir" -name 'test_*.py' -print -quit)" ]; then
        TEST_DIRS+=("$dir")
    fi
done
if [ "${#TEST_DIRS[@]}" -eq 0 ]; then
    die "no test files (test_*.py) in any addon's tests/ nor in tests/"
fi
# The tooling's own unit tests (log scanner, JUnit check) run in the same session.
TEST_DIRS+=("$REPO/scripts/tests")
echo "testing: ${TEST_DIRS[*]}"
echo "Odoo log: $ART/pytest-odoo.log"
echo
echo "timings so far:"
printf '  %s\n' "${TIMINGS[@]}"
echo
set +e
# scripts/odoo_suite_pytest.py: a fixture that makes tours robust, see there.
PYTHONPATH="$REPO/scripts${PYTHONPATH:+:$PYTHONPATH}" \
    "$PY" -m pytest -c "$REPO/pytest.ini" --rootdir="$ROOT" -p odoo_suite_pytest \
    --odoo-database="$TEST_DB" --odoo-addons-path="$ADDONS_PATH" --odoo-http \
    --odoo-log-level=info --odoo-extra=logfile="$ART/pytest-odoo.log" \
    --odoo-extra=db_host="$PGHOST" --odoo-extra=db_port="$PGPORT" \
    ${PGUSER:+--odoo-extra=db_user="$PGUSER"} \
    --odoo-extra=data-dir="$ART/data" --odoo-extra=http-interface=127.0.0.1 \
    --odoo-extra=http-port="${TEST_HTTP_PORT:-8069}" \
    -p no:cacheprovider --junitxml="$ART/junit.xml" "${TEST_DIRS[@]}"
rc=$?
set -e
# Post-checks print nothing when all is well, so that pytest's summary line
# stays the last line of a successful run.
problems=()
if [ "$rc" -eq 5 ]; then
    problems+=("pytest collected no test (exit 5)")
elif [ "$rc" -ne 0 ]; then
    problems+=("pytest exited $rc")
fi
if ! "$PY" "$REPO/scripts/check_log.py" "$ART/pytest-odoo.log" "$MODULES" \
    --phase pytest --quiet; then
    problems+=("errors or warnings about the suite in $ART/pytest-odoo.log")
fi
if [ "$rc" -ne 5 ] && ! "$PY" "$REPO/scripts/check_junit.py" "$ART/junit.xml" --quiet; then
    problems+=("skipped tests (a skipped tour means no Chromium or websocket-client)")
fi
if [ "${#problems[@]}" -gt 0 ]; then
    echo
    echo "timings: $(printf '%s; ' "${TIMINGS[@]}")pytest $(($(date +%s) - PHASE_START))s;" \
        "total $(($(date +%s) - T0))s"
    reasons="$(printf '%s; ' "${problems[@]}")"
    die "${reasons%; }"
fi
