/** @odoo-module **/

import { BarcodeScanner } from "@barcodes/components/barcode_scanner";
import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const SUCCESS = ["moved", "bound", "undone", "requested"];

/**
 * The scan screen: scan a device (receipt or serial), then a place to move it
 * there, or parts to issue to its repair. Every rule lives on the server
 * (`repair.scan`); this screen only keeps the pending state between scans.
 */
export class RepairScanScreen extends Component {
    static template = "repair_warehouse_binding.ScanScreen";
    static components = { BarcodeScanner };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.state = useState({
            pending: {},
            repair: null,
            message: _t("Scan a device: its receipt or its serial number."),
            level: "info",
            lastLog: null,
            moves: [],
            typed: "",
            quantity: "",
            tracking: null,
            busy: false,
        });
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", (ev) => this.onBarcodeScanned(ev.detail.barcode));
        onWillStart(() => this.loadMoves());
    }

    get pendingLabel() {
        const { pending, repair } = this.state;
        if (pending.product_id) {
            return this.state.tracking === "lot"
                ? _t("Waiting for the part's lot number (a quantity may be typed first)")
                : _t("Waiting for the part's serial or lot number");
        }
        if (pending.repair_id && repair) {
            return _t("%(ref)s: scan a place or a part", { ref: repair.name });
        }
        return _t("Waiting for a device");
    }

    async loadMoves() {
        this.state.moves = await this.orm.call("repair.scan", "sc_last_moves", [], { limit: 10 });
    }

    async onBarcodeScanned(code) {
        if (!code || this.state.busy) {
            return;
        }
        this.state.busy = true;
        const pending = this.state.pending;
        try {
            const quantity = pending.product_id && parseFloat(this.state.quantity);
            const result = await this.orm.call("repair.scan", "sc_scan", [code], {
                repair_id: pending.repair_id || false,
                product_id: pending.product_id || false,
                quantity: quantity || false,
            });
            this.state.quantity = "";
            this.showResult(result);
            if (result.log || result.status === "bound") {
                await this.loadMoves();
            }
        } catch (error) {
            this.showError(error);
        } finally {
            this.state.busy = false;
        }
    }

    showResult(result) {
        this.state.pending = result.state || {};
        if (result.tracking) {
            this.state.tracking = result.tracking;
        } else if (!this.state.pending.product_id) {
            this.state.tracking = null;
        }
        const repair = result.repair;
        if (repair && this.state.repair && repair.id === this.state.repair.id) {
            // A relocation sends what changed; keep the rest of the device scan.
            this.state.repair = { ...this.state.repair, ...repair };
        } else {
            this.state.repair = repair || this.state.repair;
        }
        this.state.message = result.message;
        this.state.level = SUCCESS.includes(result.status) ? "success" : "info";
        if (result.log) {
            this.state.lastLog = result.log;
        }
        this.beep(this.state.level === "success" ? "success" : "info");
    }

    showError(error) {
        this.state.message = (error.data && error.data.message) || error.message || String(error);
        this.state.level = "danger";
        this.beep("error");
    }

    async onUndo() {
        this.state.busy = true;
        try {
            const result = await this.orm.call("repair.scan", "sc_undo", [], {});
            this.showResult(result);
            this.state.lastLog = null;
            await this.loadMoves();
        } catch (error) {
            this.showError(error);
        } finally {
            this.state.busy = false;
        }
    }

    onReset() {
        this.state.pending = {};
        this.state.tracking = null;
        this.state.quantity = "";
        this.state.repair = null;
        this.state.level = "info";
        this.state.message = _t("Scan a device: its receipt or its serial number.");
    }

    async onSubmitTyped(ev) {
        ev.preventDefault();
        const code = this.state.typed.trim();
        this.state.typed = "";
        await this.onBarcodeScanned(code);
    }

    beep(kind) {
        // A short tone: high for success, neutral for information, low and long
        // for a refusal, so the user need not look at the screen.
        try {
            const AudioContext = window.AudioContext || window.webkitAudioContext;
            if (!AudioContext) {
                return;
            }
            this.audio = this.audio || new AudioContext();
            const oscillator = this.audio.createOscillator();
            const gain = this.audio.createGain();
            const tone = { success: [1200, 0.12], info: [800, 0.08], error: [220, 0.45] }[kind];
            oscillator.frequency.value = tone[0];
            gain.gain.value = 0.1;
            oscillator.connect(gain);
            gain.connect(this.audio.destination);
            oscillator.start();
            oscillator.stop(this.audio.currentTime + tone[1]);
        } catch {
            // No sound on this device: the colour still tells the result.
        }
        if (kind === "error" && "vibrate" in window.navigator) {
            window.navigator.vibrate(300);
        }
    }
}

registry.category("actions").add("repair_warehouse_binding.scan_screen", RepairScanScreen);
