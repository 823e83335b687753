#!/usr/bin/env python3
# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Environment helper shared by ``make serve``, ``make test`` and ``.ci/run``.

Usage::

    python3 scripts/odoo_env.py check [--for-tests]  # fail fast, with a hint
    python3 scripts/odoo_env.py addons-path          # comma-separated addons path

What the ecosystem's tools do is left to them: manifestoo lists the addons,
click-odoo-initdb / click-odoo-dropdb make and drop databases (scripts/README.md).

Environment:

``SUITE_ROOT``
    Directory holding the addons (default: this repository's root). Tests of
    the tooling point it at a throwaway repository.
``ODOO_EXTRA_ADDONS_PATH``
    Extra addons directories, comma-separated, appended to the addons path.
``PGHOST`` / ``PGPORT`` / ``PGUSER`` / ``PGPASSWORD``
    PostgreSQL connection (defaults: 127.0.0.1, 5432, the current OS user).

Odoo itself is never fetched or built here: it must be importable by the
``python3`` that runs this script (see README.md, "Providing Odoo 18.0").
"""

import argparse
import os
import shutil
import sys

ODOO_SERIES = (18, 0)
DEFAULT_PGHOST = "127.0.0.1"
DEFAULT_PGPORT = "5432"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

HINT_ODOO = """\
Odoo {series} Community must be importable by this python3 ({python}).
{problem}
To provide it (nothing of Odoo lives in this repository):
  1. get the Odoo {series} Community source, e.g. a checkout of the '{series}'
     branch of github.com/odoo/odoo, into <odoo-src>;
  2. PIP_CONSTRAINT=<file containing 'setuptools<81'> \\
       python3 -m pip install -r <odoo-src>/requirements.txt
     (the pin is needed because cbor2 5.4.2 builds with pkg_resources);
  3. python3 -m pip install -e <odoo-src>
  4. python3 -m pip install -r requirements.txt   (this repository)
See README.md, section "Providing Odoo 18.0"."""

HINT_PG = """\
PostgreSQL is not reachable at {host}:{port} as user {user!r}: {error}
Start it (Debian/Ubuntu):
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
or point PGHOST / PGPORT / PGUSER / PGPASSWORD at a running server."""


def suite_root():
    """Return the directory that holds the suite's addons."""
    default = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.abspath(os.environ.get("SUITE_ROOT") or default)


def odoo_addons_dirs():
    """Odoo's own addons directories, computed from the importable ``odoo``.

    ``odoo/addons`` holds ``base`` (and, in a pip/wheel install, everything);
    ``<odoo-src>/addons`` holds the main addons of a source checkout.
    """
    import odoo

    package_dir = os.path.dirname(os.path.abspath(odoo.__file__))
    dirs = [os.path.join(package_dir, "addons")]
    main_addons = os.path.normpath(os.path.join(package_dir, os.pardir, "addons"))
    if os.path.isdir(main_addons):
        dirs.append(main_addons)
    return dirs


def addons_path():
    """Odoo's addons + the suite root + ``ODOO_EXTRA_ADDONS_PATH``, de-duplicated."""
    extra = os.environ.get("ODOO_EXTRA_ADDONS_PATH", "")
    paths = odoo_addons_dirs() + [suite_root()]
    paths += [os.path.abspath(p.strip()) for p in extra.split(",") if p.strip()]
    result = []
    for path in paths:
        real = os.path.realpath(path)
        if real not in (os.path.realpath(p) for p in result):
            result.append(path)
    return result


def pg_params(dbname="postgres"):
    return {
        "host": os.environ.get("PGHOST") or DEFAULT_PGHOST,
        "port": os.environ.get("PGPORT") or DEFAULT_PGPORT,
        "user": os.environ.get("PGUSER") or None,
        "password": os.environ.get("PGPASSWORD") or None,
        "dbname": dbname,
        "connect_timeout": 5,
    }


def pg_connect(dbname="postgres"):
    import psycopg2

    params = {k: v for k, v in pg_params(dbname).items() if v is not None}
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    return conn


def _problem(lines):
    print("\n".join(lines), file=sys.stderr)
    return 1


def check_odoo():
    """Return a list of error messages about the importable Odoo (empty if ok)."""
    series = "%d.%d" % ODOO_SERIES
    fmt = {"series": series, "python": sys.executable}
    try:
        import odoo.release
    except ImportError as exc:
        problem = "Importing it failed: %s" % exc
        return [HINT_ODOO.format(problem=problem, **fmt)]
    found = tuple(odoo.release.version_info[:2])
    if found != ODOO_SERIES:
        problem = "Found Odoo %s at %s instead." % (
            odoo.release.version,
            os.path.dirname(odoo.release.__file__),
        )
        return [HINT_ODOO.format(problem=problem, **fmt)]
    if not os.path.isdir(os.path.join(odoo_addons_dirs()[-1], "repair")):
        return [
            "Odoo %s is importable but its addons (repair, stock, ...) were not "
            "found in %s." % (series, " or ".join(odoo_addons_dirs()))
        ]
    return []


def check_postgres():
    params = pg_params()
    user = params["user"] or _os_user()
    if user == "postgres":
        return [
            "PGUSER is 'postgres': Odoo refuses to run as that role. Use another "
            "role with CREATEDB (e.g. `createuser -s $(whoami)` as postgres)."
        ]
    try:
        conn = pg_connect()
    except Exception as exc:  # any driver error means: not usable
        error = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        return [
            HINT_PG.format(
                host=params["host"], port=params["port"], user=user, error=error
            )
        ]
    with conn, conn.cursor() as cr:
        cr.execute(
            "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user"
        )
        row = cr.fetchone()
    conn.close()
    if not row or not row[0]:
        return [
            "PostgreSQL role %r may not create databases; grant CREATEDB "
            "(ALTER ROLE ... CREATEDB) or set PGUSER." % user
        ]
    return []


def check_test_tools():
    """websocket-client and a Chromium are needed by Odoo's browser tests."""
    errors = []
    try:
        import websocket  # noqa: F401  (websocket-client)
    except ImportError:
        errors.append(
            "Python package websocket-client is not importable: Odoo would "
            "silently skip every browser tour. Run: "
            "python3 -m pip install -r requirements.txt"
        )
    if not any(shutil.which(name) for name in BROWSERS):
        errors.append(
            "No Chromium found (looked for %s on PATH): Odoo would skip every "
            "browser tour. Install it: apt-get install -y chromium"
            % ", ".join(BROWSERS)
        )
    if not shutil.which("wkhtmltopdf"):
        errors.append(
            "wkhtmltopdf not found: PDF reports (receipts, labels) cannot be "
            "rendered. Install it: apt-get install -y wkhtmltopdf"
        )
    return errors


def _os_user():
    import getpass

    return getpass.getuser()


def cmd_check(args):
    errors = check_odoo()
    if not errors:
        errors += check_postgres()
    if args.for_tests:
        errors += check_test_tools()
    if errors:
        return _problem(["", "Environment check failed:", ""] + errors + [""])
    import odoo.release

    print(
        "Environment OK: Odoo %s (%s), PostgreSQL at %s:%s"
        % (
            odoo.release.version,
            os.path.dirname(odoo.release.__file__),
            pg_params()["host"],
            pg_params()["port"],
        )
    )
    return 0


def cmd_addons_path(args):
    print(",".join(addons_path()))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check Odoo, PostgreSQL (and test tools)")
    check.add_argument(
        "--for-tests",
        action="store_true",
        help="also require websocket-client, Chromium and wkhtmltopdf",
    )
    check.set_defaults(func=cmd_check)
    sub.add_parser("addons-path").set_defaults(func=cmd_addons_path)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
