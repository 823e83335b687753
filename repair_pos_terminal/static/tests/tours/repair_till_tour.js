import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TextInputPopup from "@point_of_sale/../tests/tours/utils/text_input_popup_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("repair_pos_terminal_pay_ready_repair", {
    steps: () =>
        [
            Chrome.startPoS(),
            {
                content: "Open the repair search",
                trigger: ".rpt-repair-button",
                run: "click",
            },
            TextInputPopup.inputText("8 926 555-01-02"),
            Dialog.confirm(),
            // The handover check: intake records beside what is handed back.
            {
                content: "The condition recorded at intake is shown",
                trigger: ".rpt-handover-dialog .rpt-intake-condition:contains('Scratches on the back')",
            },
            {
                content: "The accessories received are shown",
                trigger: ".rpt-handover-dialog .rpt-intake-accessories:contains('Charger')",
            },
            {
                content: "The client gets a case back too",
                trigger: ".rpt-handover-dialog input.rpt-handover-accessories",
                run: "edit Charger, case",
            },
            {
                content: "The client accepts the device with a remark",
                trigger: ".rpt-handover-dialog input.rpt-handover-remark-choice",
                run: "click",
            },
            {
                content: "The remark",
                trigger: ".rpt-handover-dialog textarea.rpt-handover-remark",
                run: "edit Small scratch on the camera glass",
            },
            {
                content: "Record the check",
                trigger: ".modal-footer .rpt-handover-confirm:not([disabled])",
                run: "click",
            },
            {
                content: "The repair's works are in the order",
                trigger: ".order-container .orderline:contains('Repair works')",
            },
            {
                content: "The repair's client is set",
                trigger: ".product-screen .set-partner:contains('Tour Client')",
            },
            // The prepayment taken at intake is already a payment line: the
            // card pays the remainder; once approved the till validates.
            ProductScreen.clickPayButton(false),
            {
                content: "The prepayment is counted",
                trigger: ".paymentlines .paymentline:contains('1,000.00')",
            },
            {
                content: "Pay the remainder by card",
                trigger: ".paymentmethods .paymentmethod:contains('Card (terminal 1)')",
                run: "click",
            },
            ReceiptScreen.isShown(),
            {
                content: "The terminal's slip is on the receipt",
                trigger: ".pos-receipt:contains('ОДОБРЕНО')",
            },
            ReceiptScreen.totalAmountContains("2,500.00"),
        ].flat(),
});
