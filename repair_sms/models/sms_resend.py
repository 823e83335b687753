# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SmsResend(models.TransientModel):
    _inherit = "sms.resend"

    def action_resend(self):
        """The chatter's "resend" wizard, through the company's gateway.

        Odoo's wizard creates new ``sms.sms`` rows for the failed recipients
        and sends them at once. Through a gateway they wait for the queue
        worker: they take over the failed rows' gateway, branch (quiet hours)
        and the repair's SMS record, the failed rows are retired so that no
        other "resend" doubles them, and the user is told they are queued.
        """
        Sms = self.env["sms.sms"]
        if not Sms._sc_gateway_enabled():
            return super().action_resend()
        self._check_special_access()
        message = self.mail_message_id
        # sudo: sms.sms rows are technical (administrators); the user may
        # resend the SMS of a message they can read (checked by super()).
        domain = [("mail_message_id", "=", message.id)]
        old = Sms.sudo().search(domain)
        res = super().action_resend()
        new = Sms.sudo().search(domain + [("id", "not in", old.ids)])
        if not new:
            return res
        failed = old.filtered(lambda sms: sms.state == "error" and not sms.to_delete)
        by_number = {sms.number: sms for sms in failed}
        # sudo: the repair's SMS record follows the resent message.
        notes = (
            self.env["repair.sms.notification"]
            .sudo()
            .search([("sms_uuid", "in", failed.mapped("uuid"))])
            .grouped("sms_uuid")
        )
        for sms in new:
            previous = by_number.get(sms.number)
            if not previous:
                continue
            sms.write(
                {
                    "partner_id": sms.partner_id.id or previous.partner_id.id,
                    "sc_gateway_id": previous.sc_gateway_id.id,
                    "sc_branch_id": previous.sc_branch_id.id,
                }
            )
            if previous.uuid in notes:
                notes[previous.uuid].write({"sms_uuid": sms.uuid, "number": sms.number})
            previous.write({"to_delete": True})
        queued = new.filtered(lambda sms: sms.state == "outgoing")
        queued._sc_requeue()
        return Sms._sc_requeued_notification(
            queued, total=len(new), next_action=res or None
        )
