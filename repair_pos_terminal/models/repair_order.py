from odoo import api, fields, models
from odoo.exceptions import UserError


class RepairOrder(models.Model):
    _inherit = "repair.order"

    rpt_transaction_ids = fields.One2many(
        "repair.pos.transaction",
        "repair_id",
        string="Card Payments",
        readonly=True,
    )
    rpt_open_transaction_ids = fields.One2many(
        "repair.pos.transaction",
        "repair_id",
        string="Card Payments Awaiting the Terminal",
        domain=[("state", "in", ("draft", "pending", "timeout"))],
        readonly=True,
    )
    rpt_paid_amount = fields.Monetary(
        string="Paid at the Till",
        currency_field="currency_id",
        compute="_compute_rpt_paid",
        store=True,
    )
    rpt_is_paid = fields.Boolean(
        string="Paid",
        compute="_compute_rpt_paid",
        store=True,
        index=True,
        help="Paid at the till by card (an approved, posted and not refunded "
        "terminal payment covers the repair's price).",
    )
    # Handover check: what the client gets back, beside what was received.
    rpt_handover_condition = fields.Text(string="Condition at Handover", copy=False)
    rpt_handover_accessories = fields.Char(string="Accessories Handed Back", copy=False)
    rpt_handover_result = fields.Selection(
        [("accepted", "Accepted by the Client"), ("remark", "Accepted with a Remark")],
        string="Handover Check",
        copy=False,
        tracking=True,
    )
    rpt_handover_remark = fields.Text(string="Client's Remark", copy=False)
    rpt_handover_user_id = fields.Many2one(
        "res.users", string="Checked By", readonly=True, copy=False
    )
    rpt_handover_date = fields.Datetime(string="Checked On", readonly=True, copy=False)

    @api.depends(
        "rpt_transaction_ids.state",
        "rpt_transaction_ids.amount",
        "rpt_transaction_ids.kind",
        "sale_order_id.amount_total",
    )
    def _compute_rpt_paid(self):
        for repair in self:
            paid = sum(
                repair.rpt_transaction_ids.filtered(
                    lambda t: t.kind == "sale" and t.state == "posted"
                ).mapped("amount")
            )
            repair.rpt_paid_amount = paid
            total = repair.sale_order_id.amount_total
            repair.rpt_is_paid = bool(
                paid and repair.currency_id.compare_amounts(paid, total) >= 0
            )

    # ------------------------------------------------------------------
    # Till
    # ------------------------------------------------------------------
    @api.model
    def rpt_find_for_till(self, query, config_id):
        """Ready repairs for the till: by receipt barcode, number or phone.

        Returns what the till shows; refusals (not ready, paid, other branch)
        come back as a message so the cashier sees why.
        """
        query = (query or "").strip()
        if not query or len(query) > 64:
            raise UserError(
                self.env._("Scan the receipt or type a repair number or phone.")
            )
        config = self.env["pos.config"].browse(int(config_id or 0)).exists()
        if not config:
            raise UserError(self.env._("Unknown till."))
        branch = config.picking_type_id.warehouse_id
        repairs = self.search([("name", "=ilike", query)], limit=20)
        if not repairs:
            try:
                partners = self.env["res.partner"]._sc_find_by_phone(query)
            except UserError:
                partners = self.env["res.partner"]
            if partners:
                repairs = self.search(
                    [
                        ("partner_id", "child_of", partners.ids),
                        ("service_stage", "=", "ready"),
                    ],
                    limit=20,
                )
        if not repairs:
            raise UserError(self.env._("No repair found for “%(query)s”.", query=query))
        result = []
        for repair in repairs:
            refusal = repair._rpt_till_refusal(branch)
            result.append(
                {
                    "id": repair.id,
                    "name": repair.name,
                    "partner_id": repair.partner_id.id,
                    "partner_name": repair.partner_id.display_name,
                    "device": repair.product_id.display_name,
                    "serial": repair.serial_number or "",
                    "sale_order_id": repair.sale_order_id.id,
                    "amount_total": repair.sale_order_id.amount_total,
                    "device_condition": repair.device_condition or "",
                    "accessories": repair.accessories or "",
                    "handover_result": repair.rpt_handover_result or "",
                    "refusal": refusal or "",
                }
            )
        return result

    def _rpt_till_refusal(self, branch):
        self.ensure_one()
        if self.branch_id != branch:
            return self.env._(
                "Repair %(ref)s belongs to branch %(branch)s.",
                ref=self.name,
                branch=self.branch_id.name,
            )
        if self.service_stage != "ready":
            return self.env._(
                "Repair %(ref)s is not ready (it is “%(stage)s”).",
                ref=self.name,
                stage=self._sc_stage_label(self.service_stage),
            )
        if self.rpt_is_paid:
            return self.env._("Repair %(ref)s is already paid.", ref=self.name)
        if not self.sale_order_id:
            return self.env._("Repair %(ref)s has nothing to pay.", ref=self.name)
        return False

    # ------------------------------------------------------------------
    # Handover check
    # ------------------------------------------------------------------
    def action_rpt_handover_check(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Handover Check"),
            "res_model": "repair.handover.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_repair_id": self.id},
        }

    def _rpt_record_handover(self, condition, accessories, result, remark):
        """Record the client's acceptance (or remark) of the returned device."""
        self._sc_check_group(
            "repair_service_center.group_sc_receptionist",
            self.env._("record a handover check"),
        )
        for repair in self:
            if repair.service_stage != "ready":
                raise UserError(
                    self.env._(
                        "Repair %(ref)s is not ready: there is nothing to hand over.",
                        ref=repair.name,
                    )
                )
        if result not in ("accepted", "remark"):
            raise UserError(self.env._("Record whether the client accepts the device."))
        if result == "remark" and not (remark or "").strip():
            raise UserError(self.env._("Write down the client's remark."))
        self.write(
            {
                "rpt_handover_condition": condition,
                "rpt_handover_accessories": accessories,
                "rpt_handover_result": result,
                "rpt_handover_remark": remark if result == "remark" else False,
                "rpt_handover_user_id": self.env.uid,
                "rpt_handover_date": fields.Datetime.now(),
            }
        )
        return True
