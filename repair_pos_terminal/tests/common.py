from odoo import Command
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.repair_service_center.tests.common import ServiceCenterCase

from ..tools.terminal_bridge import TerminalBridge
from .standins.terminal import StandinTerminal


class _RubCompanyCase(TransactionCase):
    """A company in rubles with the generic chart, made the current one.

    Placed after ``ServiceCenterCase`` in the bases, so the branches, users
    and products of the core's test case are built in this company.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rub = cls.env.ref("base.RUB")
        rub.active = True
        company = cls.env["res.company"].create(
            {
                "name": "Service Center (RUB)",
                "currency_id": rub.id,
                "country_id": cls.env.ref("base.ru").id,
            }
        )
        cls.env.user.company_ids = [Command.link(company.id)]
        cls.env.user.company_id = company
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[company.id])
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        # The generic chart sets its own currency: rubles again.
        company.currency_id = rub


class TillCase(ServiceCenterCase, _RubCompanyCase):
    """A till of branch A with a card terminal (the stand-in), session open."""

    terminal_options = {"delay": 2.0, "late_polls": 1}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.terminal = StandinTerminal(**cls.terminal_options).start()
        cls.addClassCleanup(cls.terminal.stop)
        company = cls.env.company
        cls.rub = company.currency_id
        cls.card_journal = cls.env["account.journal"].create(
            {"name": "Card terminal 1", "type": "bank", "code": "CRD1"}
        )
        cls.card_method = cls.env["pos.payment.method"].create(
            {
                "name": "Card (terminal 1)",
                "journal_id": cls.card_journal.id,
                "use_payment_terminal": "repair_bridge",
                "rpt_terminal_url": cls.terminal.url,
                "rpt_terminal_identifier": "00012345",
                "rpt_timeout": 1,
            }
        )
        cls.config = cls.env["pos.config"].create(
            {
                "name": "Till A",
                "picking_type_id": cls.branch_a.pos_type_id.id,
                "payment_method_ids": [Command.set(cls.card_method.ids)],
            }
        )
        cls.config_b = cls.env["pos.config"].create(
            {
                "name": "Till B",
                "picking_type_id": cls.branch_b.pos_type_id.id,
                "payment_method_ids": [Command.set(cls.card_method.ids)],
            }
        )

        def user(login, groups, branches):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                sc_branch_ids=[Command.set(branches.ids)],
            )

        cls.cashier = user(
            "rpt_cashier_a",
            "base.group_user,repair_service_center.group_sc_cashier",
            cls.branch_a,
        )
        cls.cashier_b = user(
            "rpt_cashier_b",
            "base.group_user,repair_service_center.group_sc_cashier",
            cls.branch_b,
        )
        cls.pos_manager = user(
            "rpt_pos_manager",
            "base.group_user,point_of_sale.group_pos_manager,"
            "repair_service_center.group_sc_receptionist",
            cls.branch_a,
        )
        cls.repair_product = cls.env["product.product"].create(
            {
                "name": "Repair works",
                "type": "service",
                "list_price": 1.0,
                "taxes_id": [Command.clear()],
                "available_in_pos": True,
            }
        )
        cls.config.open_ui()
        cls.pos_session = cls.config.current_session_id
        cls.pos_session.set_opening_control(0, None)

    @classmethod
    def _received_with_price(cls, price, serial, **vals):
        """A received repair of branch A whose catalog work costs ``price``."""
        work = cls.env["repair.service.work"].create(
            {
                "name": f"Works {serial}",
                "categ_id": cls.categ_phones.id,
                "product_id": cls.repair_product.id,
                "list_price": price,
                "standard_hours": 1.0,
            }
        )
        vals.setdefault("quoted_price", price)
        return cls._received_repair(
            serial=serial, service_work_ids=[Command.set(work.ids)], **vals
        )

    @classmethod
    def _make_ready(cls, repair):
        as_engineer = repair.with_user(cls.engineer)
        as_engineer.action_sc_start_diagnosis()
        as_engineer.action_sc_start_repair()
        as_engineer.action_sc_set_ready()
        return repair

    @classmethod
    def _ready_repair(cls, price, serial, **vals):
        """A repair of branch A, finished, with its quotation for ``price``."""
        return cls._make_ready(cls._received_with_price(price, serial, **vals))

    def _pay(self, repair, user=None, **data):
        return self.card_method.with_user(user or self.cashier).rpt_terminal_request(
            "sale",
            dict({"session_id": self.pos_session.id, "repair_id": repair.id}, **data),
        )

    def _txn(self, result):
        return self.env["repair.pos.transaction"].search(
            [("name", "=", result["ecr_txn_id"])]
        )

    def _bridge(self):
        return TerminalBridge(self.terminal.url, timeout=5)
