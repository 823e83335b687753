# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Repair Call Center",
    "summary": "Repair leads from calls and web forms, the caller card, "
    "lead to repair order, telephony webhooks (Mango, Zadarma, Asterisk, Twilio)",
    "version": "18.0.1.0.0",
    "category": "Inventory/Repair",
    "license": "LGPL-3",
    "author": "Repair Service Center Contributors",
    "website": "https://github.com/repair-service-center/repair-service-center",
    "maintainers": ["repair-service-center"],
    "development_status": "Alpha",
    "depends": [
        "repair_service_center",
        "crm",
        "phone_validation",
        "bus",
    ],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/repair_call_center_security.xml",
        "security/ir.model.access.csv",
        "data/repair_call_center_data.xml",
        "views/repair_service_work_views.xml",
        "views/crm_lead_views.xml",
        "views/repair_order_views.xml",
        "views/repair_caller_card_views.xml",
        "views/repair_pbx_connection_views.xml",
        "views/repair_call_log_views.xml",
        "views/repair_request_site_views.xml",
        "views/repair_request_templates.xml",
        "views/repair_call_center_menus.xml",
    ],
    "demo": [
        "demo/repair_call_center_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "repair_call_center/static/src/js/*.js",
        ],
        "web.assets_tests": [
            "repair_call_center/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
