# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Repair Service Center: Card Terminal at the Till",
    "summary": "Pay ready repairs at the Point of Sale on a card terminal; "
    "invoice and payment posted and reconciled the moment it approves",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "license": "LGPL-3",
    "author": "Repair Service Center Contributors",
    "website": "https://github.com/repair-service-center/repair-service-center",
    "maintainers": ["repair-service-center"],
    "development_status": "Alpha",
    "depends": [
        "repair_service_center",
        "point_of_sale",
        "pos_sale",
        "account",
    ],
    "data": [
        "security/repair_pos_terminal_security.xml",
        "security/ir.model.access.csv",
        "data/repair_pos_terminal_data.xml",
        "wizards/repair_handover_wizard_views.xml",
        "wizards/repair_prepayment_wizard_views.xml",
        "views/pos_payment_method_views.xml",
        "views/repair_pos_transaction_views.xml",
        "views/repair_pos_settlement_views.xml",
        "views/repair_order_views.xml",
        "views/repair_pos_terminal_menus.xml",
    ],
    "demo": [
        "demo/repair_pos_terminal_demo.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "repair_pos_terminal/static/src/app/**/*",
        ],
        "web.assets_tests": [
            "repair_pos_terminal/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
