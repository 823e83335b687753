#!/usr/bin/env bash
# scripts/checklog.sh LOG [PHASE]: fail (exit 1) when Odoo's log LOG holds an
# error or a warning that checklog-odoo.cfg does not ignore, and print those
# records. checklog-odoo does the work; the patterns are the [checklog-odoo]
# section's plus, with PHASE (e.g. pytest), the [PHASE] section's
# (checklog-odoo's own configuration reading knows one section only).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
args=()
while IFS= read -r regex; do args+=(--ignore "$regex"); done < <("${PYTHON:-python3}" -c '
import configparser, sys
config = configparser.RawConfigParser()
config.read(sys.argv[1])
for section in ["checklog-odoo"] + sys.argv[2:]:
    for line in config.get(section, "ignore").splitlines():
        if line.strip():
            print(line.strip())' "$REPO/checklog-odoo.cfg" "${@:2}")
out="$(checklog-odoo --no-echo "${args[@]}" "$1" 2>&1)" && exit 0
sed -n '/errors that caused failure/,$p' <<<"$out"
grep -q 'errors that caused failure' <<<"$out" || echo "$out"
exit 1
