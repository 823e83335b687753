/** @odoo-module **/

import { registry } from "@web/core/registry";

/** Type ``code`` the way a keyboard-wedge scanner does: fast keys, then Enter. */
function scan(code) {
    return {
        content: `Scan ${code}`,
        trigger: ".o_sc_scan_screen",
        run() {
            for (const key of [...code, "Enter"]) {
                document.body.dispatchEvent(
                    new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true })
                );
            }
        },
    };
}

registry.category("web_tour.tours").add("repair_warehouse_binding_scan_tour", {
    steps: () => [
        {
            content: "The scan screen waits for a device",
            trigger: ".o_sc_scan_pending:contains('Waiting for a device')",
        },
        // Relocation: the device's serial, then the shelf.
        scan("TOUR-IMEI-1"),
        {
            content: "The device is found with its place",
            trigger: ".o_sc_scan_place:contains('Reception')",
        },
        scan("TOUR-SHELF"),
        {
            content: "Moved: green, from reception to the shelf",
            trigger: ".o_sc_scan_feedback[data-level='success']:contains('moved from')",
        },
        {
            content: "The move is listed",
            trigger: ".o_sc_scan_moves tr:contains('Tour Shelf')",
        },
        // A refused scan: red, nothing moved.
        scan("TOUR-IMEI-1"),
        {
            trigger: ".o_sc_scan_feedback[data-level='info']:contains('Scan a place')",
        },
        scan("NO-SUCH-CODE"),
        {
            content: "Refused in red",
            trigger: ".o_sc_scan_feedback[data-level='danger']:contains('Unknown code')",
        },
        // Undo the relocation.
        {
            content: "Undo the last move",
            trigger: ".o_sc_scan_undo",
            run: "click",
        },
        {
            trigger: ".o_sc_scan_feedback[data-level='success']:contains('Undone')",
        },
        {
            content: "The undone move is struck through",
            trigger: ".o_sc_scan_moves tr.text-decoration-line-through",
        },
        // Part binding: the repair waiting for parts, then the part.
        {
            trigger: ".o_sc_scan_reset",
            run: "click",
        },
        scan("TOUR-IMEI-2"),
        {
            trigger: ".o_sc_scan_feedback[data-level='info']:contains('or a part to issue')",
        },
        scan("4600000000042"),
        {
            content: "The battery is picked, the paste remains",
            trigger: ".o_sc_scan_feedback[data-level='success']:contains('scan the other parts')",
        },
        // A lot-tracked part: its barcode, a quantity, then its lot (twice).
        scan("4600000000097"),
        {
            content: "The screen asks for the lot and offers a quantity",
            trigger: ".o_sc_scan_pending:contains('lot number')",
        },
        {
            content: "Type a quantity",
            trigger: ".o_sc_scan_qty_input",
            run: "edit 1",
        },
        scan("TOUR-PASTE"),
        {
            content: "One unit from the lot, one more to scan",
            trigger: ".o_sc_scan_feedback[data-level='success']:contains('1.0 more to scan')",
        },
        scan("TOUR-PASTE"),
        {
            content: "The same lot again gives the rest: the parts are issued",
            trigger: ".o_sc_scan_feedback[data-level='success']:contains('is done')",
        },
    ],
});
