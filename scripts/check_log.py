#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Scan an Odoo log file and fail on problems that belong to this suite.

Usage::

    python3 scripts/check_log.py LOGFILE MODULE[,MODULE...] [MODULE ...]
        [--root DIR] [--phase install|pytest] [--allow REGEX ...] [--quiet]

A *record* is one line that starts with Odoo's log prefix
(``<date> <time>,<ms> <pid> <LEVEL> <db> <logger>: <message>``) plus the lines
that follow it without such a prefix (tracebacks, CSV hints, stack info).

Decision, per record, in this order:

1. ``ERROR`` and ``CRITICAL`` records always fail, whoever logged them.
   The only exceptions are two exact messages of the test harness, listed in
   :data:`PHASE_ALLOWED_ERRORS` and tolerated with ``--phase pytest`` only:
   pytest-odoo imports ``odoo.tests`` while collecting, before it turns
   ``test_enable`` on, and Odoo logs "Importing test framework, avoid
   importing from business modules ..." at ERROR (the install phase, which
   runs without pytest, still catches a business module importing the test
   framework); and Odoo's test HTTP server drops connections that Chromium
   opened in advance and left idle for 5 s, which ``http.server`` logs at
   ERROR as "Request timed out: TimeoutError('timed out')".
2. ``WARNING`` records fail when they concern the suite (denied), unless one of
   the allow patterns (:data:`ALLOWED_WARNINGS` plus ``--allow``) matches
   (allowed). A warning concerns the suite when

   a. its logger is ``odoo.addons.<module>`` (or below) for a suite module, or
      the record's text names a suite module (``repair_service_center``, also
      inside ``odoo.addons.repair_service_center`` or a file path); or
   b. the text names a model that a suite module defines (``_name = "..."``
      found in the module's Python files); or
   c. the text is one of Odoo's generic diagnostics (:data:`GENERIC_PATTERNS`:
      "no access rules", "deprecated", "Field ... unknown", "invalid", "same
      label", ...) and names a ``repair.*`` model or a model that a suite
      module extends (``_inherit``).

   Other warnings (Odoo's own, about models the suite does not touch) are
   counted and reported as ignored, but do not fail.
3. Everything else (``INFO``, ``DEBUG``, ...) passes.

Exit status: 0 when nothing failed, 1 when a record failed (each one is
printed), 2 on usage errors (missing log file).
"""

import argparse
import os
import re
import sys

RECORD_RE = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?P<pid>\d+) "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[^\s:]+): ?(?P<message>.*)$"
)
FAILING_LEVELS = {"ERROR", "CRITICAL"}

#: Odoo's generic diagnostics about models, fields and data; a warning matching
#: one of these counts when it also names a repair.* or suite-extended model.
GENERIC_PATTERNS = [
    r"no access rules",
    r"deprecat",
    r"\bField\b.*\bunknown\b",
    r"\bunknown (?:field|parameter|comodel|model)",
    r"invalid",
    r"have the same label",
    r"inconsistent",
    r"redundant",
    r"no _description",
    r"does not exist",
    r"not found",
    r"cannot",
    r"missing",
]

#: Warnings that name the suite but are known to be harmless (regexes searched
#: in the record's text). Keep this list short and say why for each entry.
ALLOWED_WARNINGS = [
    # (none yet)
]

#: ERROR records tolerated in one phase only, see rule 1 in the docstring.
PHASE_ALLOWED_ERRORS = {
    "pytest": [
        # pytest-odoo imports odoo.tests while collecting, before test_enable.
        r"^odoo\.tests\.common: Importing test framework, avoid importing from "
        r"business modules and when not running in test mode",
        # In test mode Odoo closes HTTP connections idle for 5 s (Chromium opens
        # spare ones) and http.server logs that at ERROR, through werkzeug. It
        # is raised while waiting for a request line, never for a request.
        r"^werkzeug: \S+ - - \[[^]]*\] Request timed out: TimeoutError\('timed out'\)",
    ],
}

NAME_RE = re.compile(r"""^\s*_name\s*=\s*["']([\w.]+)["']""", re.M)
INHERIT_RE = re.compile(r"""^\s*_inherit\s*=\s*(\[[^\]]*\]|["'][\w.]+["'])""", re.M)
QUOTED_RE = re.compile(r"""["']([\w.]+)["']""")
REPAIR_MODEL_RE = re.compile(r"(?<![\w.])repair\.[a-z_]+(?:\.[a-z_]+)*")


class Record:
    def __init__(self, lineno, match):
        self.lineno = lineno
        self.level = match["level"]
        self.logger = match["logger"]
        self.header = match.string
        self.lines = [match.string]

    @property
    def text(self):
        return "\n".join(self.lines)

    def body(self):
        """The record without its timestamp/pid/db prefix, for matching."""
        first = "%s: %s" % (self.logger, RECORD_RE.match(self.header)["message"])
        return "\n".join([first] + self.lines[1:])


def parse_records(lines):
    current = None
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        match = RECORD_RE.match(line)
        if match:
            if current:
                yield current
            current = Record(lineno, match)
        elif current is not None:
            current.lines.append(line)
    if current:
        yield current


def suite_models(root, modules):
    """Return ({models defined by the suite}, {models the suite extends})."""
    defined, extended = set(), set()
    for module in modules:
        module_dir = os.path.join(root, module)
        for dirpath, dirnames, filenames in os.walk(module_dir):
            dirnames[:] = [d for d in dirnames if d not in ("tests", "static")]
            for filename in filenames:
                if not filename.endswith(".py"):
                    continue
                path = os.path.join(dirpath, filename)
                with open(path, encoding="utf-8", errors="replace") as source:
                    code = source.read()
                names = set(NAME_RE.findall(code))
                defined |= names
                for value in INHERIT_RE.findall(code):
                    extended |= set(QUOTED_RE.findall(value))
    return defined, extended - defined


def _word(name):
    """Regex matching model ``name`` as a whole, also in ``model.field``."""
    return r"(?<![\w.])%s(?!\w)" % re.escape(name)


class Scanner:
    def __init__(
        self, modules, defined_models=(), extended_models=(), allow=(), phase="install"
    ):
        self.modules = [m for m in modules if m]
        self.module_re = (
            re.compile("|".join(r"\b%s\b" % re.escape(m) for m in self.modules))
            if self.modules
            else None
        )
        self.logger_prefixes = tuple("odoo.addons.%s" % m for m in self.modules)
        self.defined_re = self._names_re(defined_models)
        self.extended_re = self._names_re(extended_models)
        self.generic_re = re.compile("|".join(GENERIC_PATTERNS), re.I)
        self.allow_res = [
            re.compile(p, re.M) for p in list(ALLOWED_WARNINGS) + list(allow)
        ]
        self.error_allow_res = [
            re.compile(p, re.M) for p in PHASE_ALLOWED_ERRORS.get(phase, [])
        ]

    @staticmethod
    def _names_re(names):
        names = sorted(set(names), key=len, reverse=True)
        return re.compile("|".join(_word(n) for n in names)) if names else None

    def concerns_suite(self, record):
        """Return why a record concerns the suite, or None."""
        body = record.body()
        logger = record.logger
        if any(logger == p or logger.startswith(p + ".") for p in self.logger_prefixes):
            return "logged by a suite module (%s)" % logger
        if self.module_re:
            found = self.module_re.search(body)
            if found:
                return "names suite module %s" % found.group(0)
        if self.defined_re:
            found = self.defined_re.search(body)
            if found:
                return "names suite model %s" % found.group(0)
        if self.generic_re.search(body):
            found = REPAIR_MODEL_RE.search(body) or (
                self.extended_re and self.extended_re.search(body)
            )
            if found:
                return "Odoo diagnostic about %s" % found.group(0)
        return None

    def judge(self, record):
        """Return (verdict, reason); verdict is 'fail', 'ignored' or 'ok'."""
        if record.level in FAILING_LEVELS:
            if any(r.search(record.body()) for r in self.error_allow_res):
                return "ok", "error tolerated in this phase"
            return "fail", record.level
        if record.level == "WARNING":
            reason = self.concerns_suite(record)
            if reason is None:
                return "ignored", "warning not about the suite"
            if any(r.search(record.body()) for r in self.allow_res):
                return "ok", "allowed warning"
            return "fail", "WARNING " + reason
        return "ok", ""

    def scan(self, lines):
        failed, ignored = [], []
        for record in parse_records(lines):
            verdict, reason = self.judge(record)
            if verdict == "fail":
                failed.append((record, reason))
            elif verdict == "ignored":
                ignored.append(record)
        return failed, ignored


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Fail on Odoo log records that concern this suite."
    )
    parser.add_argument("logfile")
    parser.add_argument("modules", nargs="+", help="suite module names (or a,b,c)")
    parser.add_argument(
        "--root",
        default=os.environ.get("SUITE_ROOT")
        or os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        help="directory holding the suite's addons (to find their models)",
    )
    parser.add_argument("--phase", choices=("install", "pytest"), default="install")
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="REGEX",
        help="extra allow pattern for warnings (repeatable)",
    )
    parser.add_argument(
        "--max-lines", type=int, default=15, help="lines printed per offending record"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing when the log is clean"
    )
    args = parser.parse_args(argv)

    modules = [m for item in args.modules for m in item.split(",") if m]
    if not os.path.isfile(args.logfile):
        print("check_log: no log file %s" % args.logfile, file=sys.stderr)
        return 2
    defined, extended = suite_models(args.root, modules)
    scanner = Scanner(modules, defined, extended, args.allow, args.phase)
    with open(args.logfile, encoding="utf-8", errors="replace") as logfile:
        failed, ignored = scanner.scan(logfile)

    name = os.path.basename(args.logfile)
    if ignored and not (args.quiet and not failed):
        print(
            "check_log: %s: %d warning(s) not about the suite ignored"
            % (name, len(ignored))
        )
    if not failed:
        if not args.quiet:
            print("check_log: %s: no error, no warning about the suite" % name)
        return 0
    print("check_log: %s: %d offending record(s):" % (name, len(failed)))
    for record, reason in failed:
        print("--- line %d (%s)" % (record.lineno, reason))
        shown = record.lines[: args.max_lines]
        print("\n".join(shown))
        if len(record.lines) > len(shown):
            print("    ... (%d more lines)" % (len(record.lines) - len(shown)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
