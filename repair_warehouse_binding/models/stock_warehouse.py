from odoo import Command, api, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses._sc_scan_set_place_roles()
        return warehouses

    def _sc_scan_set_place_roles(self):
        """Repaired devices go to the ready shelf; parts storage is for parts.

        Only engineers (and managers, who are engineers too) put a device on
        the ready shelf; only the warehouse keeper uses the parts place.
        """
        engineer = self.env.ref("repair_service_center.group_sc_engineer")
        keeper = self.env.ref("repair_service_center.group_sc_warehouse")
        for warehouse in self:
            ready = warehouse.sc_ready_location_id
            if ready and not ready.sc_scan_group_ids:
                ready.sc_scan_group_ids = [Command.set(engineer.ids)]
            parts = warehouse.sc_parts_location_id
            if parts and not parts.sc_scan_group_ids:
                parts.sc_scan_group_ids = [Command.set(keeper.ids)]
