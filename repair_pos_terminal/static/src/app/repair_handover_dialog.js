import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";

/**
 * Handover check at the till: what was recorded at intake beside what is
 * handed back, and the client's acceptance or remark.
 */
export class RepairHandoverDialog extends Component {
    static template = "repair_pos_terminal.RepairHandoverDialog";
    static components = { Dialog };
    static props = {
        repair: Object,
        getPayload: Function,
        close: Function,
    };

    setup() {
        this.state = useState({
            condition: this.props.repair.device_condition || "",
            accessories: this.props.repair.accessories || "",
            result: "accepted",
            remark: "",
        });
    }

    get canConfirm() {
        return this.state.result === "accepted" || this.state.remark.trim().length > 0;
    }

    confirm() {
        if (!this.canConfirm) {
            return;
        }
        this.props.getPayload({ ...this.state });
        this.props.close();
    }
}
