import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("repair_call_center_caller_card", {
    url: "/odoo/action-repair_call_center.repair_caller_card_action",
    steps: () => [
        {
            content: "Type the phone in another format than the stored one",
            trigger: ".o_field_widget[name=phone] input",
            run: "edit 8 (916) 123 45 67 && click body",
        },
        {
            content: "The number is read in E.164",
            trigger: ".o_field_widget[name=number]:contains(+79161234567)",
        },
        {
            content: "The client is found",
            trigger: ".o_field_widget[name=partner_ids] .o_data_row:contains(Tour Caller)",
        },
        {
            content: "The earlier request is on the card",
            trigger: ".o_field_widget[name=lead_ids] .o_data_row:contains(Tour Phone)",
        },
        {
            content: "Create the repair from the request",
            trigger: ".o_field_widget[name=lead_ids] .o_data_row button.o_sc_create_repair",
            run: "click",
        },
        {
            content: "The repair order opens with the request's data",
            trigger: ".o_form_view .o_field_widget[name=serial_number] input:value(TOUR-CARD-1)",
        },
    ],
});
