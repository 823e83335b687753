#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Check that each module's translation and template match a fresh Odoo export.

Usage::

    python3 scripts/check_i18n.py --db DB --addons-path PATH --modules m1,m2
        [--db-host 127.0.0.1] [--db-port 5432] [--db-user odoo]
        [--db-password PW] [--lang ru] [--write-pot] [--quiet]

For every module, Odoo exports a fresh template from the database
(``odoo-bin -d DB --i18n-export=<tmp>/<module>.pot --modules=<module>``), so
the database must have the modules installed and updated (``-u``) with the
current code. The export is then compared with the module's files:

``<module>/i18n/<lang>.po`` (default ``ru.po``) fails the check when a term of
the fresh export is missing from it, untranslated or fuzzy, or when the
placeholders of a translation differ from those of its source: the named ones
(``%(name)s``) as a multiset, and the positional ones (``%s``, ``%d``...) in
order. Terms of the .po that the export no longer has are obsolete: reported
as warnings, not failures (remove them, or mark them ``#~``).

``<module>/i18n/<module>.pot`` fails the check when its set of msgids is not
the fresh export's. ``--write-pot`` replaces it with the fresh export.

Odoo is run as ``<python> <dirname(odoo.__file__)>/../odoo-bin`` when that
file exists (a source checkout), else as ``<python> -m odoo`` (Odoo 18 ships
``odoo/__main__.py``). ``polib`` (an Odoo dependency) must be importable.

Exit status: 0 when every module passes (one summary line is printed, unless
``--quiet``), 1 when a check fails (the problems are listed), 2 when the check
could not run (bad arguments, database missing or without the modules
installed, module not found in the addons path, Odoo export failed).
"""

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

try:
    import polib
except ImportError:  # pragma: no cover - depends on the environment
    polib = None

try:
    import psycopg2
except ImportError:  # pragma: no cover - depends on the environment
    psycopg2 = None

# printf-style conversions as Python's % operator and Odoo's JS sprintf read
# them. A space flag is left out on purpose: "50% off" is prose, not "% o".
PLACEHOLDER_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0+-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
    r"(?P<conv>[diouxXeEfFgGcrsa%])"
)
# Listed problems per kind; the rest is counted.
MAX_LISTED = 20


class CheckError(Exception):
    """The check could not run (as opposed to a check that failed)."""


def placeholders(text):
    """Return (named placeholders as a Counter, positional conversions list)."""
    named, positional = Counter(), []
    for match in PLACEHOLDER_RE.finditer(text or ""):
        conv = match.group("conv")
        if conv == "%":
            continue
        if match.group("name") is not None:
            named["%%(%s)%s" % (match.group("name"), conv)] += 1
        else:
            positional.append("%" + conv)
    return named, positional


def placeholder_problem(msgid, msgstr):
    """Describe how the placeholders of ``msgstr`` differ from ``msgid``'s."""
    src_named, src_pos = placeholders(msgid)
    dst_named, dst_pos = placeholders(msgstr)
    problems = []
    if src_named != dst_named:
        missing = sorted((src_named - dst_named).elements())
        extra = sorted((dst_named - src_named).elements())
        if missing:
            problems.append("missing %s" % ", ".join(missing))
        if extra:
            problems.append("unexpected %s" % ", ".join(extra))
    if src_pos != dst_pos:
        problems.append(
            "positional %s in source, %s in translation"
            % (" ".join(src_pos) or "none", " ".join(dst_pos) or "none")
        )
    return "; ".join(problems)


def entry_key(entry):
    return (entry.msgctxt, entry.msgid)


def short(text, width=70):
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def odoo_command(python=None):
    """Return the argv prefix that runs Odoo's command line."""
    python = python or sys.executable
    spec = importlib.util.find_spec("odoo")
    locations = list((spec and spec.submodule_search_locations) or [])
    if not locations:
        raise CheckError(
            "Odoo is not importable by %s: install Odoo 18.0 (see README.md)" % python
        )
    package_dir = os.path.dirname(spec.origin) if spec.origin else locations[0]
    odoo_bin = os.path.normpath(os.path.join(package_dir, os.pardir, "odoo-bin"))
    if os.path.isfile(odoo_bin):
        return [python, odoo_bin]
    return [python, "-m", "odoo"]


def find_module_dir(module, addons_path):
    for addons_dir in addons_path.split(","):
        candidate = os.path.join(addons_dir.strip(), module)
        if os.path.isfile(os.path.join(candidate, "__manifest__.py")):
            return os.path.abspath(candidate)
    raise CheckError("module %s not found in addons path %s" % (module, addons_path))


def check_installed(args, modules):
    """Fail early unless the database exists and has ``modules`` installed.

    Odoo would otherwise create a missing database, and export nothing but
    the code terms of a module that is not installed.
    """
    if psycopg2 is None:
        raise CheckError("psycopg2 is not importable (an Odoo dependency)")
    params = {
        "dbname": args.db,
        "host": args.db_host,
        "port": args.db_port,
        "user": args.db_user,
        "password": args.db_password,
    }
    try:
        conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    except psycopg2.Error as exc:
        raise CheckError(
            "cannot connect to database %s: %s" % (args.db, str(exc).strip())
        ) from exc
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT name FROM ir_module_module"
                " WHERE name = ANY(%s) AND state = 'installed'",
                (list(modules),),
            )
            installed = {row[0] for row in cr.fetchall()}
    except psycopg2.Error as exc:
        raise CheckError(
            "database %s is not an Odoo database: %s" % (args.db, str(exc).strip())
        ) from exc
    finally:
        conn.close()
    missing = [m for m in modules if m not in installed]
    if missing:
        raise CheckError(
            "not installed in database %s: %s (install or update them first)"
            % (args.db, ", ".join(missing))
        )


def export_pot(args, module, out_dir):
    """Export the fresh template of ``module`` with Odoo; return its path."""
    pot_path = os.path.join(out_dir, "%s.pot" % module)
    log_path = os.path.join(out_dir, "%s.export.log" % module)
    cmd = odoo_command() + [
        "-d",
        args.db,
        "--addons-path",
        ",".join(os.path.abspath(p.strip()) for p in args.addons_path.split(",")),
        "--i18n-export",
        pot_path,
        "--modules",
        module,
        "--stop-after-init",
        "--no-http",
        "--log-level",
        "warn",
        "--logfile",
        log_path,
    ]
    for option, value in (
        ("--db_host", args.db_host),
        ("--db_port", args.db_port),
        ("--db_user", args.db_user),
        ("--db_password", args.db_password),
    ):
        if value:
            cmd += [option, str(value)]
    # Run from the (empty) temporary directory: ``python -m`` puts the working
    # directory first on sys.path, where a stray inspect.py would shadow the
    # standard library.
    result = subprocess.run(
        cmd,
        cwd=out_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not os.path.isfile(pot_path):
        log = ""
        if os.path.isfile(log_path):
            with open(log_path, encoding="utf-8", errors="replace") as log_file:
                log = log_file.read()
        tail = "\n".join((log + result.stdout).strip().splitlines()[-15:])
        raise CheckError(
            "Odoo could not export %s from database %s (exit %s):\n%s"
            % (module, args.db, result.returncode, tail)
        )
    return pot_path


def check_po(fresh, po_path):
    """Compare a .po file with the fresh export: (failures, warnings, stats)."""
    if not os.path.isfile(po_path):
        return ["%s does not exist" % po_path], [], {"translated": 0}
    po = polib.pofile(po_path)
    by_key = {entry_key(e): e for e in po if not e.obsolete}
    fresh_keys = {entry_key(e) for e in fresh}
    missing, untranslated, fuzzy, bad_format = [], [], [], []
    for source in fresh:
        entry = by_key.get(entry_key(source))
        if entry is None:
            missing.append(source.msgid)
            continue
        if "fuzzy" in entry.flags:
            fuzzy.append(entry.msgid)
        msgstrs = (
            list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        )
        if not all(msgstrs):
            untranslated.append(entry.msgid)
            continue
        if "no-python-format" in entry.flags:
            continue
        # Every plural form is checked against the plural source: in Russian
        # the "singular" form also serves 21, 31... and needs the number.
        msgid = entry.msgid_plural or entry.msgid
        for msgstr in msgstrs:
            problem = placeholder_problem(msgid, msgstr)
            if problem:
                bad_format.append("%s  [%s]" % (short(entry.msgid, 60), problem))
    failures = []
    for label, items, width in (
        ("missing from the .po", missing, 70),
        ("untranslated", untranslated, 70),
        ("fuzzy", fuzzy, 70),
        ("placeholders differ", bad_format, 1000),
    ):
        failures += listing(po_path, label, items, width)
    obsolete = [
        e.msgid for e in po if not e.obsolete and entry_key(e) not in fresh_keys
    ]
    warnings = listing(
        po_path, "obsolete (no longer exported; remove them or mark them #~)", obsolete
    )
    translated = len(fresh) - len(missing) - len(untranslated) - len(fuzzy)
    return failures, warnings, {"translated": translated}


def check_pot(fresh, pot_path, module):
    """Compare the module's template with the fresh export."""
    hint = (
        "refresh it: python3 scripts/check_i18n.py ... --modules %s --write-pot"
        % module
    )
    if not os.path.isfile(pot_path):
        return ["%s does not exist; %s" % (pot_path, hint)]
    current = {entry_key(e) for e in polib.pofile(pot_path)}
    fresh_keys = {entry_key(e) for e in fresh}
    if current == fresh_keys:
        return []
    added = sorted(msgid for _ctx, msgid in fresh_keys - current)
    removed = sorted(msgid for _ctx, msgid in current - fresh_keys)
    failures = [
        "%s is out of date (%d new, %d gone); %s"
        % (pot_path, len(added), len(removed), hint)
    ]
    failures += listing(pot_path, "new in the export", added)
    failures += listing(pot_path, "no longer exported", removed)
    return failures


def listing(path, label, items, width=70):
    """One failure or warning naming ``items`` (cut to ``width`` characters)."""
    if not items:
        return []
    lines = ["%s: %d %s:" % (path, len(items), label)]
    lines += ["    %s" % short(item, width) for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        lines.append("    ... and %d more" % (len(items) - MAX_LISTED))
    return ["\n".join(lines)]


def check_module(args, module, tmp_dir):
    module_dir = find_module_dir(module, args.addons_path)
    fresh_path = export_pot(args, module, tmp_dir)
    fresh = polib.pofile(fresh_path)
    i18n_dir = os.path.join(module_dir, "i18n")
    pot_path = os.path.join(i18n_dir, "%s.pot" % module)
    po_path = os.path.join(i18n_dir, "%s.po" % args.lang)
    failures, warnings, stats = check_po(fresh, po_path)
    notes = []
    if args.write_pot:
        os.makedirs(i18n_dir, exist_ok=True)
        shutil.copyfile(fresh_path, pot_path)
        notes.append("wrote %s" % pot_path)
    failures += check_pot(fresh, pot_path, module)
    stats["terms"] = len(fresh)
    return failures, warnings, notes, stats


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database with the modules")
    parser.add_argument("--addons-path", required=True, help="Odoo's --addons-path")
    parser.add_argument("--modules", required=True, help="comma-separated modules")
    parser.add_argument("--db-host", default=None)
    parser.add_argument("--db-port", default=None)
    parser.add_argument("--db-user", default=None)
    parser.add_argument("--db-password", default=None)
    parser.add_argument("--lang", default="ru", help="the .po to check (default ru)")
    parser.add_argument(
        "--write-pot",
        action="store_true",
        help="write the fresh export into <module>/i18n/<module>.pot",
    )
    parser.add_argument("--quiet", action="store_true", help="no output on success")
    args = parser.parse_args(argv)
    args.module_list = [m.strip() for m in args.modules.split(",") if m.strip()]
    if not args.module_list:
        parser.error("--modules names no module")
    return args


def main(argv=None):
    args = parse_args(argv)
    if polib is None:
        print("check_i18n: polib is not importable (pip install polib)")
        return 2
    all_failures, all_warnings, summaries = [], [], []
    try:
        check_installed(args, args.module_list)
        with tempfile.TemporaryDirectory(prefix="check_i18n-") as tmp_dir:
            for module in args.module_list:
                failures, warnings, notes, stats = check_module(args, module, tmp_dir)
                all_failures += failures
                all_warnings += warnings
                for note in notes:
                    print("check_i18n: %s" % note)
                summaries.append(
                    "%s %d/%d terms translated in %s.po"
                    % (module, stats["translated"], stats["terms"], args.lang)
                )
    except CheckError as exc:
        print("check_i18n: %s" % exc)
        return 2
    for warning in all_warnings:
        print("check_i18n: WARNING %s" % warning)
    if all_failures:
        for failure in all_failures:
            print("check_i18n: FAIL %s" % failure)
        print("check_i18n: %d check(s) failed" % len(all_failures))
        return 1
    if not args.quiet:
        print(
            "check_i18n: OK: %s; .pot up to date; %d warning(s)"
            % ("; ".join(summaries), len(all_warnings))
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
