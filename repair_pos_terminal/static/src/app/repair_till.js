import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { TextInputPopup } from "@point_of_sale/app/utils/input_popups/text_input_popup";
import { SelectionPopup } from "@point_of_sale/app/utils/input_popups/selection_popup";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { RepairHandoverDialog } from "./repair_handover_dialog";

patch(ControlButtons.prototype, {
    /** Find a ready repair (receipt barcode, number or phone) and settle it. */
    async onClickRepair() {
        const query = await makeAwaitable(this.dialog, TextInputPopup, {
            title: _t("Repair: scan the receipt or type its number or the phone"),
            placeholder: _t("Repair number or phone"),
        });
        if (!query) {
            return;
        }
        let repairs;
        try {
            repairs = await this.pos.env.services.orm.call("repair.order", "rpt_find_for_till", [
                query,
                this.pos.config.id,
            ]);
        } catch (error) {
            this.dialog.add(AlertDialog, {
                title: _t("Repair"),
                body: error.data?.message || error.message,
            });
            return;
        }
        let repair = repairs[0];
        if (repairs.length > 1) {
            repair = await makeAwaitable(this.dialog, SelectionPopup, {
                title: _t("Which repair?"),
                list: repairs.map((r) => ({
                    id: r.id,
                    label: `${r.name} — ${r.partner_name} — ${r.device}`,
                    item: r,
                })),
            });
            if (!repair) {
                return;
            }
        }
        if (repair.refusal) {
            this.dialog.add(AlertDialog, { title: _t("Repair"), body: repair.refusal });
            return;
        }
        // The handover check comes first: the client looks at the device
        // beside what was recorded at intake, then pays.
        const check = await makeAwaitable(this.dialog, RepairHandoverDialog, { repair });
        if (!check) {
            return;
        }
        try {
            await this.pos.env.services.orm.call("repair.order", "rpt_record_handover", [
                [repair.id],
                check.condition,
                check.accessories,
                check.result,
                check.remark,
            ]);
        } catch (error) {
            this.dialog.add(AlertDialog, {
                title: _t("Handover check"),
                body: error.data?.message || error.message,
            });
            return;
        }
        const saleOrder = await this.pos._getSaleOrder(repair.sale_order_id);
        const order = this.pos.get_order();
        if (saleOrder.partner_id) {
            order.set_partner(saleOrder.partner_id);
        }
        await this.pos.settleSO(saleOrder, false);
        const prepaid = repair.amount_total - repair.amount_to_pay;
        const prepaymentMethod = this.pos.models["pos.payment.method"].find(
            (method) => method.rpt_is_prepayment
        );
        if (prepaid > 0 && prepaymentMethod) {
            // The prepayment taken at intake: the till charges the remainder.
            const line = order.add_paymentline(prepaymentMethod);
            line.set_amount(prepaid);
        }
    },
});

patch(PaymentScreen.prototype, {
    onMounted() {
        const order = this.pos.get_order();
        if (!order.payment_ids.some((line) => line.payment_method_id.rpt_is_prepayment)) {
            return super.onMounted();
        }
        // Odoo drops the lines of methods this till does not offer; the
        // repair's prepayment is one (counted here, taken at intake): keep it.
        this.pos.addPendingOrder([order.id]);
        const offered = this.pos.config.payment_method_ids.map((method) => method.id);
        for (const line of [...order.payment_ids]) {
            const method = line.payment_method_id;
            if (!method.rpt_is_prepayment && !offered.includes(method.id)) {
                line.delete({ backend: true });
            }
        }
    },

    /** The invoice is posted on approval; its PDF stays off the till's path. */
    shouldDownloadInvoice() {
        const paidByTerminal = this.currentOrder.payment_ids.some(
            (line) => line.payment_method_id.use_payment_terminal === "repair_bridge"
        );
        return paidByTerminal ? false : super.shouldDownloadInvoice();
    },
});
