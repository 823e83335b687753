from odoo import Command

from odoo.addons.repair_service_center.tests.common import ServiceCenterCase


class CallCenterCase(ServiceCenterCase):
    """The core's branches, roles and catalog, plus parts on the works and a
    call-center team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work_screen.part_product_ids = [Command.set(cls.part_screen.ids)]
        cls.work_battery.part_product_ids = [Command.set(cls.part_battery.ids)]
        cls.env["stock.quant"]._update_available_quantity(
            cls.part_screen, cls.branch_b.lot_stock_id, 5.0
        )
        cls.team = cls.env.ref("repair_call_center.crm_team_call_center")

    @classmethod
    def _new_lead(cls, user=None, **vals):
        values = {
            "name": "Screen of Test Phone X",
            "contact_name": "Maria Sidorova",
            "phone": "8 (903) 555-12-34",
            "sc_device_id": cls.device.id,
            "sc_serial_number": "SN-LEAD-1",
            "sc_fault_description": "Dropped it, the screen is black",
            "sc_work_ids": [Command.set(cls.work_screen.ids)],
            "sc_branch_id": cls.branch_a.id,
            "team_id": cls.team.id,
        }
        values.update(vals)
        return cls.env["crm.lead"].with_user(user or cls.operator).create(values)
