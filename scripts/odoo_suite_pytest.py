# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""pytest plugin that scripts/test.sh loads next to pytest-odoo.

``-p odoo_suite_pytest``, with ``scripts/`` on ``PYTHONPATH``.
"""

import pytest


@pytest.fixture(scope="session", autouse=True)
def warm_odoo_http_statics(load_registry):
    """Read every addon manifest once, before the HTTP server gets requests.

    Odoo computes ``odoo.http.root.statics`` on the first static request by
    parsing every ``__manifest__.py`` with ``ast.literal_eval``. A browser
    tour opens many such requests at once, so several server threads parse
    in parallel, and CPython before 3.13 may then fail with "SystemError: AST
    constructor recursion depth mismatch" (python/cpython#106905): a 500 on an
    asset bundle and a tour whose ready code never becomes true. Computing it
    here, in one thread, removes that race.
    """
    import odoo.http

    root = getattr(odoo.http, "root", None)
    if root is not None:
        _statics = root.statics
    yield
