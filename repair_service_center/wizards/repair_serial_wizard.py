from odoo import fields, models


class RepairSerialWizard(models.TransientModel):
    """A manager corrects a typo in a received device's serial number.

    Only a form for ``repair.order.action_sc_correct_serial``, which checks the
    role, the reason, the format and clashes with other devices.
    """

    _name = "repair.serial.wizard"
    _description = "Correct Device Serial Number"

    repair_id = fields.Many2one("repair.order", required=True, ondelete="cascade")
    current_serial = fields.Char(related="repair_id.serial_number")
    new_serial = fields.Char(string="Correct Serial Number", required=True, size=64)
    reason = fields.Text(required=True)

    def action_apply(self):
        self.ensure_one()
        self.repair_id.action_sc_correct_serial(self.new_serial, self.reason)
        return {"type": "ir.actions.act_window_close"}
