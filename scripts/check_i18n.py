#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Translations check of ``make test``: .pot current, every Russian term translated.

Usage::

    python3 scripts/check_i18n.py --db DB --modules a,b [--addons-dir DIR] [--lang ru]
    python3 scripts/check_i18n.py --no-export --modules a,b   # only the .po check

1. ``click-odoo-makepot`` (click-odoo-contrib) exports each module's template
   from the database (installed with the current code) into
   ``<module>/i18n/<module>.pot`` and merges it into every ``.po``
   (``msgmerge --no-fuzzy-matching``, obsolete entries purged). A file that
   this changes was not current: the check fails and leaves the updated file
   in place, to be translated, reviewed and committed.
2. Every entry of ``<module>/i18n/<lang>.po`` must be translated, not fuzzy,
   and keep its source's placeholders: the named ones (``%(name)s``) in any
   order, the positional ones (``%s``) in order. (oca-checks-po, run by
   ``make lint`` for syntax and duplicates, checks placeholders only on
   entries flagged ``python-format``, which Odoo 18's export never writes.)

Exit status: 0 when all is well, 1 when a file changed or a term is not
translated or its placeholders differ (each is listed), 2 when the export
failed.
"""

import argparse
import hashlib
import os
import re
import subprocess
import sys

import polib

PLACEHOLDER_RE = re.compile(r"%(\([^)]*\))?[#0+-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def i18n_files(addons_dir, modules):
    """{path: sha1} of every .po/.pot file of ``modules``."""
    found = {}
    for module in modules:
        i18n = os.path.join(addons_dir, module, "i18n")
        for name in sorted(os.listdir(i18n)) if os.path.isdir(i18n) else ():
            if name.endswith((".po", ".pot")):
                path = os.path.join(i18n, name)
                with open(path, "rb") as po_file:
                    found[path] = hashlib.sha1(po_file.read()).hexdigest()
    return found


def placeholders(text):
    """(sorted named placeholders, positional ones in order) of ``text``."""
    found = [m.group(0) for m in PLACEHOLDER_RE.finditer(text.replace("%%", ""))]
    return sorted(p for p in found if "(" in p), [p for p in found if "(" not in p]


def po_problems(po_path):
    """What is wrong with the translations of ``po_path``, one line each."""
    catalog = polib.pofile(po_path)
    problems = []
    for entry in catalog:
        if entry.obsolete:
            continue
        if not entry.translated():
            problems.append("not translated: %r" % entry.msgid[:70])
        elif placeholders(entry.msgid) != placeholders(entry.msgstr):
            problems.append("placeholders differ: %r" % entry.msgid[:70])
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db")
    parser.add_argument("--modules", required=True, help="a,b,c")
    parser.add_argument("--addons-dir", default=os.environ.get("SUITE_ROOT", "."))
    parser.add_argument("--lang", default="ru")
    parser.add_argument("--no-export", action="store_true", help="skip step 1")
    args = parser.parse_args(argv)
    modules = [m for m in args.modules.split(",") if m]
    problems = []
    if not args.no_export:
        before = i18n_files(args.addons_dir, modules)
        command = ["click-odoo-makepot", "--addons-dir", args.addons_dir]
        command += ["-d", args.db, "-m", ",".join(modules), "--msgmerge"]
        command += ["--no-fuzzy-matching", "--purge-old-translations"]
        # VERSION_CONTROL=off: msgmerge -U leaves no ru.po~ backups behind.
        env = dict(os.environ, VERSION_CONTROL="off")
        if subprocess.run(command, env=env, check=False).returncode:
            print("check_i18n: %s failed" % " ".join(command))
            return 2
        after = i18n_files(args.addons_dir, modules)
        for path in sorted(set(before) | set(after)):
            if before.get(path) != after.get(path):
                problems.append("%s was not current (now updated: commit it)" % path)
    for module in modules:
        po_path = os.path.join(args.addons_dir, module, "i18n", args.lang + ".po")
        if not os.path.isfile(po_path):
            problems.append("%s is missing" % po_path)
            continue
        problems += ["%s: %s" % (po_path, problem) for problem in po_problems(po_path)]
    for problem in problems:
        print("check_i18n: " + problem)
    if not problems:
        print("check_i18n: %s: .pot current, every term translated" % args.lang)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
