import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("repair_service_center_intake", {
    url: "/odoo/action-repair_service_center.repair_order_sc_intake_action",
    steps: () => [
        {
            content: "Type the client's phone",
            trigger: ".o_field_widget[name=client_phone] input",
            run: "edit +7 926 000-11-22",
        },
        {
            content: "Type the new client's name",
            trigger: ".o_field_widget[name=client_name] input",
            run: "edit Tour Client",
        },
        {
            content: "Choose the device model",
            trigger: ".o_field_widget[name=product_id] input",
            run: "edit Tour Phone",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Tour Phone)",
            run: "click",
        },
        {
            content: "Type the IMEI",
            trigger: ".o_field_widget[name=serial_number] input",
            run: "edit TOUR-IMEI-0001",
        },
        {
            content: "Write the fault in the client's words",
            trigger: ".o_field_widget[name=fault_description] textarea",
            run: "edit Does not charge",
        },
        {
            content: "Confirm the intake",
            trigger: "button[name=action_sc_confirm_intake]",
            run: "click",
        },
        {
            content: "The device is received",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Received)",
        },
        {
            content: "The receipt can be printed",
            trigger: "button[name=action_sc_print_receipt]",
        },
    ],
});
