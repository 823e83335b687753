# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The checks of ``make test`` fail on what they are there for: planted faults.

Each test plants one fault (an ERROR in Odoo's log, a warning about the suite,
a skipped tour, an untranslated Russian term, an XML / manifest / .po problem)
and runs the very command ``scripts/test.sh`` or ``scripts/lint.sh`` runs.
Plain pytest tests: they run in the same session as the addons' tests but
touch neither Odoo nor the database.
"""

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(SCRIPTS)
LOG_LINE = "2026-01-02 10:00:00,123 4242 %s testdb %s: %s\n"
INFO = LOG_LINE % ("INFO", "odoo.modules.loading", "Modules loaded.")


def run(*command, env=None):
    """Run a command of the tooling, return (exit status, output)."""
    done = subprocess.run(
        command,
        cwd=REPO,
        env=dict(os.environ, **(env or {})),
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def checklog(tmp_path, *records, extra=()):
    log = tmp_path / "odoo.log"
    log.write_text(INFO + "".join(records))
    return run("bash", os.path.join(SCRIPTS, "checklog.sh"), str(log), *extra)


def test_checklog_clean_log_passes(tmp_path):
    assert checklog(tmp_path)[0] == 0


@pytest.mark.parametrize(
    "level, logger, message",
    [
        ("ERROR", "odoo.sql_db", "bad query: SELECT 1/0"),
        ("WARNING", "odoo.addons.repair_sms.models.sms_sms", "gateway answered 500"),
        ("CRITICAL", "odoo.service.server", "Failed to initialize database"),
    ],
)
def test_checklog_error_or_warning_fails(tmp_path, level, logger, message):
    record = (
        LOG_LINE % (level, logger, message) + "Traceback (most recent call last):\n"
    )
    status, output = checklog(tmp_path, record)
    assert status == 1
    assert message in output


def test_checklog_harness_error_ignored_only_when_asked(tmp_path):
    harness = LOG_LINE % (
        "ERROR",
        "odoo.tests.common",
        "Importing test framework, avoid importing from business modules and "
        "when not running in test mode",
    )
    assert checklog(tmp_path, harness)[0] == 1
    assert checklog(tmp_path, harness, extra=["pytest"])[0] == 0


def test_checklog_config_is_sound():
    """Every ignore pattern compiles and none is empty (it would match all)."""
    import configparser
    import re

    config = configparser.RawConfigParser()
    config.read(os.path.join(REPO, "checklog-odoo.cfg"))
    patterns = [
        line.strip()
        for section in config.sections()
        for line in config.get(section, "ignore").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert patterns
    for pattern in patterns:
        assert not re.compile(pattern).search(""), pattern
        assert not re.search(pattern, "repair_service_center"), pattern


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="2">
<testcase classname="odoo.addons.a.tests.test_a.TestA" name="test_one" time="0.1"/>
<testcase classname="odoo.addons.a.tests.test_a.TestTour" name="test_tour" time="0.1">%s
</testcase></testsuite></testsuites>
"""


@pytest.mark.parametrize(
    "case, status",
    [
        ("", 0),
        ('<skipped type="pytest.skip" message="websocket-client not installed"/>', 1),
    ],
)
def test_check_junit_skipped_tour_fails(tmp_path, case, status):
    report = tmp_path / "junit.xml"
    report.write_text(JUNIT % case)
    assert run(sys.executable, "scripts/check_junit.py", str(report))[0] == status


@pytest.fixture
def addon(tmp_path):
    """A planted suite: one small, clean addon with a complete ru.po."""
    root = tmp_path / "suite"
    module = root / "repair_planted"
    (module / "views").mkdir(parents=True)
    (module / "i18n").mkdir()
    (module / "__init__.py").write_text("")
    (module / "__manifest__.py").write_text(
        textwrap.dedent(
            """\
            {
                "name": "Planted",
                "version": "18.0.1.0.0",
                "license": "LGPL-3",
                "author": "Repair Service Center Contributors",
                "website": "https://example.com/repair",
                "depends": ["base"],
                "data": ["views/planted_views.xml"],
                "installable": True,
            }
            """
        )
    )
    (module / "views" / "planted_views.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8" ?>\n<odoo>\n'
        '    <record id="planted_action" model="ir.actions.act_window">\n'
        '        <field name="name">Planted</field>\n'
        '        <field name="res_model">res.partner</field>\n'
        "    </record>\n</odoo>\n"
    )
    (module / "i18n" / "ru.po").write_text(
        textwrap.dedent(
            """\
            msgid ""
            msgstr ""
            "Content-Type: text/plain; charset=UTF-8\\n"
            "Language: ru\\n"

            #. module: repair_planted
            #: model:ir.actions.act_window,name:repair_planted.planted_action
            msgid "Planted"
            msgstr "Посаженный"

            #. module: repair_planted
            #: code:addons/repair_planted/models/x.py:0
            msgid "Repair %(ref)s is ready"
            msgstr "Ремонт %(ref)s готов"
            """
        )
    )
    return root, module


def lint(root, *checks):
    return run("bash", "scripts/lint.sh", *checks, env={"SUITE_ROOT": str(root)})


def test_oca_checks_pass_on_a_clean_addon(addon):
    status, output = lint(addon[0], "oca-module", "oca-po")
    assert status == 0, output


def test_oca_checks_module_duplicate_xml_id_fails(addon):
    root, module = addon
    views = module / "views" / "planted_views.xml"
    record = views.read_text().split("<odoo>\n")[1].split("</odoo>")[0]
    views.write_text(views.read_text().replace("</odoo>", record + "</odoo>"))
    status, output = lint(root, "oca-module")
    assert status == 1
    assert "xml-duplicate-record-id" in output


def test_oca_checks_manifest_fault_fails(addon):
    root, module = addon
    manifest = module / "__manifest__.py"
    manifest.write_text(manifest.read_text().replace('"LGPL-3"', '"Proprietary"'))
    status, output = lint(root, "oca-module", "pylint")
    assert status == 1
    assert "license" in output.lower()


def test_oca_checks_po_duplicate_fails(addon):
    root, module = addon
    po_file = module / "i18n" / "ru.po"
    entry = po_file.read_text().split("\n\n")[1]
    po_file.write_text(po_file.read_text() + "\n" + entry + "\n")
    status, output = lint(root, "oca-po")
    assert status == 1
    assert "po-duplicate-message-definition" in output or "po-syntax-error" in output


@pytest.mark.parametrize(
    "fault, status",
    [
        (None, 0),
        (('msgstr "Посаженный"', 'msgstr ""'), 1),
        (("Ремонт %(ref)s", "Ремонт %(name)s"), 1),
        (
            (
                "#. module: repair_planted\n#: model:",
                "#, fuzzy\n#. module: repair_planted\n#: model:",
            ),
            1,
        ),
    ],
)
def test_check_i18n_untranslated_russian_term_fails(addon, fault, status):
    root, module = addon
    po_file = module / "i18n" / "ru.po"
    if fault:
        po_file.write_text(po_file.read_text().replace(*fault, 1))
    code, output = run(
        sys.executable,
        "scripts/check_i18n.py",
        "--no-export",
        "--modules",
        "repair_planted",
        "--addons-dir",
        str(root),
    )
    assert code == status, output
    if status:
        assert "not translated: 'Planted'" in output or "placeholders differ" in output


def test_odoo_env_addons_path(tmp_path):
    status, output = run(
        sys.executable,
        "scripts/odoo_env.py",
        "addons-path",
        env={"ODOO_EXTRA_ADDONS_PATH": " %s , %s" % (tmp_path, REPO)},
    )
    path = output.strip().split(",")
    assert status == 0
    assert path[-2:] == [REPO, str(tmp_path)]
    assert any(p.endswith(os.path.join("odoo", "addons")) for p in path)


def test_odoo_env_check_says_what_is_missing(tmp_path):
    status, output = run(
        sys.executable, "scripts/odoo_env.py", "check", env={"PGPORT": "1"}
    )
    assert status == 1
    assert "PostgreSQL is not reachable" in output
