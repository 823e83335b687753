/** @odoo-module **/
// Pops the caller card when the PBX says this user answered a call.
import { registry } from "@web/core/registry";

export const callerCardService = {
    dependencies: ["bus_service", "action", "orm"],
    start(env, { bus_service, action, orm }) {
        bus_service.subscribe("repair_call_center/caller_card", async (payload) => {
            const cardAction = await orm.call("repair.caller.card", "action_sc_open", [
                payload.phone,
                payload.lead_id,
            ]);
            action.doAction(cardAction);
        });
    },
};

registry.category("services").add("repair_call_center.caller_card", callerCardService);
