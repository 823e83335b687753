# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Repair Service Center: Barcode Scanning",
    "summary": "Scan the device, scan the place: devices and parts move with "
    "the database; place and device labels, ready shelf",
    "version": "18.0.1.0.0",
    "category": "Inventory/Repair",
    "license": "LGPL-3",
    "author": "Repair Service Center Contributors",
    "website": "https://github.com/repair-service-center/repair-service-center",
    "maintainers": ["repair-service-center"],
    "development_status": "Alpha",
    "depends": ["repair_service_center", "stock", "barcodes"],
    "data": [
        "security/repair_warehouse_binding_security.xml",
        "security/ir.model.access.csv",
        "report/repair_scan_label_templates.xml",
        "report/repair_scan_reports.xml",
        "views/repair_scan_log_views.xml",
        "views/repair_order_views.xml",
        "views/stock_location_views.xml",
        "views/repair_warehouse_binding_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "repair_warehouse_binding/static/src/scan_screen/*",
        ],
        "web.assets_tests": [
            "repair_warehouse_binding/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
