# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Repair Service Center SMS",
    "summary": "Client SMS through SMS.ru, SMSC.ru, SMS Aero, Twilio or Kannel: "
    "stage notifications, delivery reports, retries without duplicates",
    "version": "18.0.1.0.0",
    "category": "Inventory/Repair",
    "license": "LGPL-3",
    "author": "Repair Service Center Contributors",
    "website": "https://github.com/repair-service-center/repair-service-center",
    "maintainers": ["repair-service-center"],
    "development_status": "Alpha",
    "depends": ["repair_service_center", "sms"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/repair_sms_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/sms_template_data.xml",
        "views/repair_sms_gateway_views.xml",
        "views/repair_sms_notification_views.xml",
        "views/repair_order_views.xml",
        "views/stock_warehouse_views.xml",
        "views/sms_sms_views.xml",
    ],
    "demo": ["demo/repair_sms_demo.xml"],
    "installable": True,
}
