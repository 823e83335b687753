import { _t } from "@web/core/l10n/translation";
import { PaymentInterface } from "@point_of_sale/app/payment/payment_interface";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { register_payment_method } from "@point_of_sale/app/store/pos_store";
import { uuidv4 } from "@point_of_sale/utils";

const POLL_DELAY_MS = 2000;
const MAX_POLLS = 90;
const UNKNOWN_STATES = ["draft", "pending", "timeout"];

/**
 * Card terminal behind the repair service center's HTTP bridge.
 *
 * The till never talks to the terminal: the Odoo server proxies every call
 * (pos.payment.method.rpt_terminal_request), checks the cashier's rights and
 * posts the invoice and the payment the moment the terminal approves.
 */
export class PaymentRepairBridge extends PaymentInterface {
    setup() {
        super.setup(...arguments);
        this.cancelledLines = new Set();
    }

    async send_payment_request(uuid) {
        await super.send_payment_request(...arguments);
        const order = this.pos.get_order();
        const line = order.payment_ids.find((payment) => payment.uuid === uuid);
        const saleOrder = order.lines.find((l) => l.sale_order_origin_id)?.sale_order_origin_id;
        if (!saleOrder) {
            this._showError(_t("Add a ready repair to the order first (button Repair)."));
            return false;
        }
        line.set_payment_status("waitingCard");
        line.rptEcrTxnId = line.rptEcrTxnId || uuidv4();
        const data = {
            session_id: this.pos.session.id,
            sale_order_id: saleOrder.id,
            order_uuid: order.uuid,
            ecr_txn_id: line.rptEcrTxnId,
        };
        let result;
        try {
            // Recorded first, so a crash after the terminal approves leaves a
            // row the server's recovery job resolves.
            await this._call("prepare", data);
            result = await this._call("sale", data);
            let polls = 0;
            while (
                UNKNOWN_STATES.includes(result.state) &&
                !this.cancelledLines.has(uuid) &&
                polls < MAX_POLLS
            ) {
                if (result.state === "timeout") {
                    line.set_payment_status("timeout");
                }
                await new Promise((resolve) => setTimeout(resolve, POLL_DELAY_MS));
                result = await this._call("status", data);
                polls++;
            }
        } catch {
            line.set_payment_status("retry");
            this._showError(
                _t("The Odoo server could not be reached. Try again: the same payment is resumed.")
            );
            return false;
        }
        return this._handleResult(line, result);
    }

    async send_payment_cancel(order, uuid) {
        await super.send_payment_cancel(...arguments);
        const line = order.payment_ids.find((payment) => payment.uuid === uuid);
        this.cancelledLines.add(uuid);
        if (!line?.rptEcrTxnId) {
            return true;
        }
        try {
            const result = await this._call("cancel", {
                session_id: this.pos.session.id,
                ecr_txn_id: line.rptEcrTxnId,
            });
            if (result.state === "posted") {
                // Approved before the cancel reached the terminal.
                this._handleResult(line, result);
                return false;
            }
        } catch {
            return false;
        }
        return true;
    }

    _call(operation, data) {
        return this.env.services.orm.silent.call(
            "pos.payment.method",
            "rpt_terminal_request",
            [[this.payment_method_id.id], operation, data]
        );
    }

    _handleResult(line, result) {
        if (result.state === "posted") {
            line.transaction_id = result.rrn;
            line.card_type = result.card_brand;
            line.cardholder_name = result.masked_pan;
            return true;
        }
        if (UNKNOWN_STATES.includes(result.state)) {
            this._showError(
                _t(
                    "The terminal has not answered. Do not charge the card again: the payment is checked again automatically and posted if it was approved."
                )
            );
        } else if (!this.cancelledLines.has(line.uuid)) {
            this._showError(result.message || _t("The terminal declined the payment."));
        }
        line.set_payment_status("retry");
        return false;
    }

    _showError(message) {
        this.env.services.dialog.add(AlertDialog, {
            title: _t("Card terminal"),
            body: message,
        });
    }
}

register_payment_method("repair_bridge", PaymentRepairBridge);
