from odoo import fields, models
from odoo.exceptions import UserError


class RepairOrder(models.Model):
    _inherit = "repair.order"

    sc_lead_id = fields.Many2one(
        "crm.lead",
        string="Call-Center Lead",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )

    def action_sc_call(self):
        """Click-to-call: the PBX rings the user, then dials the client."""
        self.ensure_one()
        number = self.client_phone or self.partner_id.mobile or self.partner_id.phone
        if not number:
            raise UserError(
                self.env._("Repair %(ref)s has no client phone.", ref=self.name)
            )
        self.env["repair.pbx.connection"]._sc_click_to_call(
            number, lead=self.sc_lead_id, repair=self
        )
        return True
