from lxml import etree

from odoo.tests import tagged

from .common import ServiceCenterCase

# What the receptionist asks first, in the order they ask it.
INTAKE_ORDER = [
    "client_phone",
    "partner_id",
    "product_id",
    "serial_number",
    "fault_description",
    "device_condition",
    "accessories",
    "service_work_ids",
    "quoted_price",
    "promised_date",
]
# Odoo's own repair buttons, which the stage machine refuses on a repair of a
# branch.
ODOO_STATE_BUTTONS = [
    "action_validate",
    "action_repair_start",
    "action_repair_end",
    "action_create_sale_order",
    "action_repair_cancel",
    "action_repair_cancel_draft",
]


@tagged("post_install", "-at_install")
class TestIntakeForm(ServiceCenterCase):
    def _form_arch(self):
        views = (
            self.env["repair.order"]
            .with_user(self.receptionist)
            .get_views([(False, "form")])
        )
        return etree.fromstring(views["views"]["form"]["arch"])

    def test_intake_fields_on_the_main_sheet_in_order(self):
        arch = self._form_arch()
        sheet = arch.find(".//sheet")
        on_sheet = [
            node.get("name")
            for node in sheet.iter("field")
            if not any(a.tag in ("notebook", "field") for a in node.iterancestors())
            and not node.get("invisible") == "1"
        ]
        for fname in INTAKE_ORDER:
            self.assertIn(fname, on_sheet, f"{fname} is not on the main sheet")
        positions = [on_sheet.index(fname) for fname in INTAKE_ORDER]
        self.assertEqual(positions, sorted(positions), on_sheet)

    def test_odoo_state_buttons_hidden_on_service_center_repairs(self):
        arch = self._form_arch()
        header = arch.find(".//header")
        for name in ODOO_STATE_BUTTONS:
            buttons = header.xpath(f"./button[@name='{name}']")
            self.assertTrue(buttons, name)
            for button in buttons:
                self.assertTrue(
                    button.get("invisible", "").startswith("branch_id or "),
                    f"{name}: {button.get('invisible')}",
                )
        state = header.xpath("./field[@name='state']")[0]
        self.assertEqual(state.get("invisible"), "branch_id")
        # A repair of a branch is a service-center repair: the buttons are
        # hidden for it.
        repair = self._new_repair(serial="SN-FORM")
        self.assertTrue(repair.branch_id)
