# Repair service center suite: developer entry points.
#   make serve   run the suite with demo data at http://localhost:$(PORT)
#   make test    check, lint, install in a fresh database, run all tests
#   make lint    ruff, pylint-odoo, oca-checks-odoo-module, oca-checks-po (= pre-commit run -a)
#   make check   is Odoo 18.0 importable, is PostgreSQL reachable?
#   make format  let ruff fix imports and formatting
# Variables (make VAR=value or environment): DB, PORT, TEST_DB,
# ODOO_EXTRA_ADDONS_PATH (extra addons directories, comma-separated; alias
# ODOO_ADDONS_PATH),
# PGHOST, PGPORT, PGUSER, PYTHON.

PYTHON ?= python3
DB ?= repair_service_demo
PORT ?= 8069
TEST_DB ?= repair_service_test
ODOO_EXTRA_ADDONS_PATH ?= $(ODOO_ADDONS_PATH)

export PYTHON DB PORT TEST_DB ODOO_EXTRA_ADDONS_PATH

.PHONY: serve test lint check format test-tooling

serve:
	bash scripts/serve.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/lint.sh

check:
	$(PYTHON) scripts/odoo_env.py check --for-tests

format:
	$(PYTHON) -m ruff check --fix --config .ruff.toml .
	$(PYTHON) -m ruff format --config .ruff.toml .

# The tooling's unit tests alone (no database needed); `make test` runs them too.
test-tooling:
	$(PYTHON) -m pytest -c pytest.ini -p no:odoo scripts/tests
