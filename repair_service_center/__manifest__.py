# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Repair Service Center",
    "summary": "Electronics repair service center: branches, roles, intake, "
    "service stages, engineers' workload, parts and receipts",
    "version": "18.0.1.0.0",
    "category": "Inventory/Repair",
    "license": "LGPL-3",
    "author": "Repair Service Center Contributors",
    "website": "https://github.com/repair-service-center/repair-service-center",
    "maintainers": ["repair-service-center"],
    "development_status": "Alpha",
    "depends": [
        "repair",
        "sale_management",
        "purchase_stock",
        "purchase_repair",
        "mail",
        "phone_validation",
        "resource",
    ],
    "external_dependencies": {"python": ["python-barcode", "phonenumbers"]},
    "data": [
        "security/repair_service_center_security.xml",
        "security/ir.model.access.csv",
        "data/repair_service_center_data.xml",
        "report/repair_report_paperformat.xml",
        "report/repair_receipt_templates.xml",
        "report/repair_label_templates.xml",
        "report/repair_reports.xml",
        "wizards/repair_deadline_wizard_views.xml",
        "views/repair_service_work_views.xml",
        "views/repair_order_views.xml",
        "views/repair_stage_history_views.xml",
        "views/repair_deadline_log_views.xml",
        "views/repair_workload_report_views.xml",
        "views/stock_warehouse_views.xml",
        "views/res_users_views.xml",
        "views/repair_service_center_menus.xml",
    ],
    "demo": [
        "demo/repair_service_center_demo.xml",
        "demo/repair_service_center_demo_repairs.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "repair_service_center/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": True,
}
