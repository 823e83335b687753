import { registry } from "@web/core/registry";

/**
 * The intake form as a Russian-speaking receptionist sees it: Russian labels,
 * what is asked first on the main sheet (no tab to open), none of Odoo's own
 * repair buttons that the stage machine refuses.
 */
registry.category("web_tour.tours").add("repair_service_center_intake_ru", {
    url: "/odoo/action-repair_service_center.repair_order_sc_intake_action",
    steps: () => [
        {
            content: "The phone comes first, labelled in Russian",
            trigger: ".o_form_sheet .o_form_label:contains(Телефон клиента)",
        },
        {
            content: "The fault in the client's words is on the main sheet",
            trigger:
                ".o_form_sheet .o_inner_group .o_form_label:contains(Неисправность (со слов клиента))",
        },
        {
            content: "So are condition, accessories and works",
            trigger:
                ".o_form_sheet .o_inner_group:has(.o_form_label:contains(Внешнее состояние)):has(.o_form_label:contains(Комплектация)):has(.o_form_label:contains(Работы))",
        },
        {
            content: "Odoo's own repair buttons are not offered",
            trigger:
                ".o_form_statusbar:not(:has(button[name=action_validate])):not(:has(button[name=action_repair_start])):not(:has(button[name=action_create_sale_order])):not(:has(button[name=action_repair_cancel]))",
        },
        {
            content: "Type the client's phone",
            trigger: ".o_field_widget[name=client_phone] input",
            run: "edit 8 926 000-33-44",
        },
        {
            content: "Type the new client's name",
            trigger: ".o_field_widget[name=client_name] input",
            run: "edit Пётр Тестов",
        },
        {
            content: "Choose the device model",
            trigger: ".o_field_widget[name=product_id] input",
            run: "edit Тестофон",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Тестофон)",
            run: "click",
        },
        {
            content: "Type the IMEI",
            trigger: ".o_field_widget[name=serial_number] input",
            run: "edit RU-IMEI-0001",
        },
        {
            content: "Write the fault in the client's words",
            trigger: ".o_field_widget[name=fault_description] textarea",
            run: "edit Не включается",
        },
        {
            content: "Confirm the intake (the button is in Russian)",
            trigger: "button[name=action_sc_confirm_intake]:contains(Подтвердить приём)",
            run: "click",
        },
        {
            content: "The device is received",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Принят)",
        },
    ],
});
