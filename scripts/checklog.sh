#!/usr/bin/env bash
# scripts/checklog.sh LOG [REGEX...]: fail (exit 1) when Odoo's log LOG holds an
# error or a warning that neither checklog-odoo.cfg nor REGEX... ignores, and
# print those records. checklog-odoo does the work; REGEX... adds to the
# configuration's list (checklog-odoo's own --ignore would replace it).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="$1"
shift
args=()
for regex in "$@"; do args+=(--ignore "$regex"); done
while IFS= read -r regex; do args+=(--ignore "$regex"); done < <("${PYTHON:-python3}" -c '
import configparser, sys
config = configparser.RawConfigParser()
config.read(sys.argv[1])
for line in config.get("checklog-odoo", "ignore").splitlines():
    if line.strip():
        print(line.strip())' "$REPO/checklog-odoo.cfg")
out="$(checklog-odoo --no-echo "${args[@]}" "$log" 2>&1)" && exit 0
sed -n '/errors that caused failure/,$p' <<<"$out"
grep -q 'errors that caused failure' <<<"$out" || echo "$out"
exit 1
