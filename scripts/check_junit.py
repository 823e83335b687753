#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fail when a pytest JUnit XML report holds skipped tests or no test at all.

Usage::

    python3 scripts/check_junit.py JUNIT_XML [--quiet]

In this suite a skipped test is a failure: Odoo skips a browser tour when
websocket-client or Chromium is missing, and pytest-odoo skips an ``HttpCase``
run without ``--odoo-http``; both would hide untested behaviour. xfail/xpass
are reported as skipped by pytest's JUnit writer and fail here too.

Exit status: 0 when every test ran, 1 otherwise, 2 when the report is missing
or unreadable. With ``--quiet`` nothing is printed on success.
"""

import argparse
import sys
import xml.etree.ElementTree as ET


def summarize(path):
    """Return (number of test cases, [(test id, skip message), ...])."""
    root = ET.parse(path).getroot()
    total, skipped = 0, []
    for case in root.iter("testcase"):
        total += 1
        skip = case.find("skipped")
        if skip is not None:
            test_id = "%s::%s" % (case.get("classname", "?"), case.get("name", "?"))
            skipped.append((test_id, skip.get("message") or (skip.text or "").strip()))
    return total, skipped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("junit_xml")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        total, skipped = summarize(args.junit_xml)
    except (OSError, ET.ParseError) as exc:
        print("check_junit: cannot read %s: %s" % (args.junit_xml, exc))
        return 2
    if total == 0:
        print("check_junit: %s: no test ran" % args.junit_xml)
        return 1
    if skipped:
        print(
            "check_junit: %d of %d test(s) skipped, which counts as failure:"
            % (len(skipped), total)
        )
        for test_id, message in skipped:
            print("  SKIPPED %s: %s" % (test_id, message))
        return 1
    if not args.quiet:
        print("check_junit: %d test(s), none skipped" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
