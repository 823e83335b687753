import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from .repair_order import RPT_WRITE_KEY, RPT_WRITE_TOKEN

_logger = logging.getLogger(__name__)


class AccountPayment(models.Model):
    _inherit = "account.payment"

    rpt_repair_id = fields.Many2one(
        "repair.order",
        string="Prepaid Repair",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The repair this customer payment was taken for at intake.",
    )

    def _rpt_refuse_forged_link(self, vals):
        """Only the prepayment flow links a payment to a repair.

        A payment linked by hand would count as the repair's prepayment
        (and let its device be handed over).
        """
        if "rpt_repair_id" not in vals:
            return
        if self.env.context.get(RPT_WRITE_KEY) is RPT_WRITE_TOKEN:
            return
        _logger.info(
            "Refused to link payments %s to repair %s by uid %s",
            self.ids,
            vals["rpt_repair_id"],
            self.env.uid,
        )
        raise UserError(
            self.env._(
                "A payment is linked to a repair only when the prepayment is "
                "taken on the repair (Take Prepayment)."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._rpt_refuse_forged_link(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._rpt_refuse_forged_link(vals)
        return super().write(vals)
