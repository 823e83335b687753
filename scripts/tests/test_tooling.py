# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Unit tests of the repository tooling (log scanner, JUnit check, env helper).

Plain pytest tests: they run in the same pytest session as the addons' tests
(``make test``) but touch neither Odoo nor the database.
"""

import importlib.util
import os
import textwrap

import pytest

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load(name):
    spec = importlib.util.spec_from_file_location(
        "suite_tooling_" + name, os.path.join(SCRIPTS, name + ".py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_log = _load("check_log")
check_junit = _load("check_junit")
odoo_env = _load("odoo_env")

PREFIX = "2026-01-02 10:00:00,123 4242 %s testdb %s: "


def rec(level, logger, message, *more):
    return "\n".join([PREFIX % (level, logger) + message] + list(more)) + "\n"


@pytest.fixture
def suite(tmp_path):
    """A fake suite: one addon defining repair.widget and extending stock.location."""
    addon = tmp_path / "repair_demo_addon"
    (addon / "models").mkdir(parents=True)
    (addon / "__manifest__.py").write_text('{"name": "x", "installable": True}')
    (addon / "models" / "widget.py").write_text(
        textwrap.dedent(
            """
            class Widget:
                _name = "repair.widget"
            class Location:
                _inherit = ["stock.location", "mail.thread"]
            """
        )
    )
    (tmp_path / "not_installable").mkdir()
    (tmp_path / "not_installable" / "__manifest__.py").write_text(
        '{"name": "y", "installable": False}'
    )
    (tmp_path / "plain_dir").mkdir()
    return tmp_path


def scan(suite, text, phase="install", allow=()):
    modules = ["repair_demo_addon"]
    defined, extended = check_log.suite_models(str(suite), modules)
    scanner = check_log.Scanner(modules, defined, extended, allow, phase)
    failed, ignored = scanner.scan(text.splitlines(True))
    return [reason for _record, reason in failed], len(ignored)


def test_suite_models(suite):
    defined, extended = check_log.suite_models(str(suite), ["repair_demo_addon"])
    assert defined == {"repair.widget"}
    assert extended == {"stock.location", "mail.thread"}


def test_errors_always_fail(suite):
    log = rec("ERROR", "odoo.sql_db", "bad query", "Traceback (most recent call last):")
    log += rec("CRITICAL", "odoo.service.server", "Failed to initialize database")
    failed, _ignored = scan(suite, log)
    assert failed == ["ERROR", "CRITICAL"]


def test_pytest_phase_tolerates_test_framework_import(suite):
    log = rec(
        "ERROR",
        "odoo.tests.common",
        "Importing test framework, avoid importing from business modules and "
        "when not running in test mode",
        "Stack (most recent call last):",
    )
    log += rec(
        "ERROR",
        "werkzeug",
        "127.0.0.1 - - [26/Nov/2026 15:45:45] Request timed out: "
        "TimeoutError('timed out') - - -",
    )
    assert scan(suite, log, phase="install")[0] == ["ERROR", "ERROR"]
    assert scan(suite, log, phase="pytest")[0] == []
    other = rec("ERROR", "werkzeug", "127.0.0.1 - - [x] Exception on /odoo")
    assert scan(suite, other, phase="pytest")[0] == ["ERROR"]


def test_warnings_about_the_suite_fail(suite):
    log = "".join(
        [
            rec(
                "WARNING",
                "odoo.modules.loading",
                "The models ['repair.widget'] have no access rules in module "
                "repair_demo_addon, consider adding some, like:",
                "id,name,model_id:id,group_id:id,perm_read,perm_write",
            ),
            rec("WARNING", "odoo.addons.repair_demo_addon.models.widget", "odd"),
            rec("WARNING", "odoo.models", "repair.widget: something odd"),
            rec("WARNING", "odoo.models", "Field repair.widget.name: odd"),
            rec(
                "WARNING", "odoo.fields", "Field repair.order.x: unknown parameter 'y'"
            ),
            rec(
                "WARNING",
                "odoo.models",
                "Two fields of stock.location() have the same label: Bar.",
            ),
            rec(
                "WARNING",
                "py.warnings",
                "/src/repair_demo_addon/models/widget.py:3: DeprecationWarning: old",
            ),
        ]
    )
    failed, ignored = scan(suite, log)
    assert len(failed) == 7, failed
    assert ignored == 0


def test_other_warnings_are_ignored(suite):
    log = "".join(
        [
            rec("WARNING", "odoo.addons.stock.models.stock_move", "about stock.move"),
            rec(
                "WARNING",
                "odoo.models",
                "Two fields of res.partner() have the same label: Foo.",
            ),
            rec("WARNING", "odoo.addons.repair_demo_addon_extra", "another module"),
            rec("WARNING", "odoo.models", "repair.widgetry: not the suite's model"),
            rec("INFO", "odoo.modules.loading", "loading repair_demo_addon"),
        ]
    )
    failed, ignored = scan(suite, log)
    assert failed == []
    assert ignored == 4


def test_allow_pattern(suite):
    log = rec("WARNING", "odoo.addons.repair_demo_addon", "known and harmless")
    assert scan(suite, log)[0]
    assert scan(suite, log, allow=[r"known and harmless"])[0] == []
    error = rec("ERROR", "odoo.addons.repair_demo_addon", "known and harmless")
    assert scan(suite, error, allow=[r"known and harmless"])[0] == ["ERROR"]


def test_check_log_cli(suite, tmp_path, capsys):
    logfile = tmp_path / "odoo.log"
    logfile.write_text(rec("INFO", "odoo", "fine"))
    args = [str(logfile), "repair_demo_addon", "--root", str(suite), "--quiet"]
    assert check_log.main(args) == 0
    assert capsys.readouterr().out == ""
    logfile.write_text(rec("WARNING", "odoo.addons.repair_demo_addon.x", "bad"))
    assert check_log.main(args) == 1
    assert "offending" in capsys.readouterr().out
    assert check_log.main([str(tmp_path / "missing.log"), "x"]) == 2


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="2" skipped="%d">
<testcase classname="odoo.addons.a.tests.test_a.TestA" name="test_one" time="0.1"/>
<testcase classname="odoo.addons.a.tests.test_a.TestTour" name="test_tour" time="0.1">%s
</testcase></testsuite></testsuites>
"""


def test_check_junit(tmp_path, capsys):
    report = tmp_path / "junit.xml"
    report.write_text(JUNIT % (0, ""))
    assert check_junit.main([str(report), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    skipped = '<skipped type="pytest.skip" message="websocket-client not installed"/>'
    report.write_text(JUNIT % (1, skipped))
    assert check_junit.main([str(report)]) == 1
    assert "websocket-client not installed" in capsys.readouterr().out
    report.write_text('<testsuites><testsuite name="pytest" tests="0"/></testsuites>')
    assert check_junit.main([str(report)]) == 1
    assert check_junit.main([str(tmp_path / "missing.xml")]) == 2


def test_repo_modules_and_addons_path(suite, monkeypatch):
    assert odoo_env.repo_modules(str(suite)) == ["repair_demo_addon"]
    monkeypatch.setenv("SUITE_ROOT", str(suite))
    monkeypatch.setenv("ODOO_EXTRA_ADDONS_PATH", " /srv/extra , %s" % suite)
    path = odoo_env.addons_path()
    assert path[-2:] == [str(suite), "/srv/extra"]
    assert any(p.endswith(os.path.join("odoo", "addons")) for p in path)
