import logging

import psycopg2

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

CALL_STATES = [
    ("ringing", "Ringing"),
    ("answered", "In Progress"),
    ("completed", "Completed"),
    ("missed", "Missed"),
]
FINAL_STATES = ("completed", "missed")
BUS_CALLER_CARD = "repair_call_center/caller_card"


class RepairCallLog(models.Model):
    _name = "repair.call.log"
    _description = "Call Log"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _rec_name = "caller_number"

    connection_id = fields.Many2one(
        "repair.pbx.connection", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(
        related="connection_id.company_id", store=True, index=True
    )
    provider = fields.Selection(related="connection_id.provider")
    external_id = fields.Char(
        string="PBX Call ID", required=True, readonly=True, index=True
    )
    direction = fields.Selection(
        [("in", "Incoming"), ("out", "Outgoing")], default="in", required=True
    )
    caller_number = fields.Char(string="Caller", readonly=True)
    caller_e164 = fields.Char(
        string="Caller (E.164)", readonly=True, index="btree_not_null"
    )
    line_number = fields.Char(string="Line", readonly=True)
    extension = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", string="Operator", readonly=True, index=True)
    date_start = fields.Datetime(string="Start", readonly=True)
    date_answer = fields.Datetime(string="Answered", readonly=True)
    date_end = fields.Datetime(string="End", readonly=True)
    duration = fields.Integer(string="Duration (s)", readonly=True)
    state = fields.Selection(
        CALL_STATES, string="Outcome", default="ringing", required=True, index=True
    )
    lead_id = fields.Many2one("crm.lead", readonly=True, index="btree_not_null")
    repair_id = fields.Many2one("repair.order", readonly=True, index="btree_not_null")
    partner_id = fields.Many2one(
        "res.partner", string="Client", readonly=True, index="btree_not_null"
    )
    callback_scheduled = fields.Boolean(readonly=True, copy=False)

    _sql_constraints = [
        (
            "external_id_unique",
            "UNIQUE(connection_id, external_id)",
            "A PBX call is logged once.",
        ),
    ]

    # ------------------------------------------------------------------
    # Event processing (called by the webhooks, as superuser)
    # ------------------------------------------------------------------
    @api.model
    def _sc_process_event(self, connection, event):
        """Apply one provider-neutral PBX event; replays change nothing.

        ``event`` keys: ``key`` (unique per connection), ``call_key``,
        ``kind`` (ring, answer, end), ``direction``, ``caller``, ``line``,
        ``extension``, ``time``, ``duration``, ``answered``, ``leg``, ``seq``.
        Returns the call log, or an empty recordset for a replayed or stale
        event.
        """
        Event = self.env["repair.call.event"]
        if Event.search_count(
            [("connection_id", "=", connection.id), ("event_key", "=", event["key"])],
            limit=1,
        ):
            _logger.info("PBX event %s replayed: ignored", event["key"])
            return self.browse()
        if event.get("seq") and Event.search_count(
            [
                ("connection_id", "=", connection.id),
                ("leg_id", "=", event["leg"]),
                ("seq", ">", event["seq"]),
            ],
            limit=1,
        ):
            _logger.info("PBX event %s older than one received: ignored", event["key"])
            return self.browse()
        try:
            with self.env.cr.savepoint():
                event_row = Event.create(
                    {
                        "connection_id": connection.id,
                        "event_key": event["key"],
                        "leg_id": event.get("leg"),
                        "seq": event.get("seq") or 0,
                        "kind": event["kind"],
                    }
                )
        except psycopg2.IntegrityError:
            _logger.info("PBX event %s received twice at once: ignored", event["key"])
            return self.browse()
        call = self._sc_get_call(connection, event)
        event_row.call_id = call
        handler = getattr(call, f"_sc_on_{event['kind']}", None)
        if handler:
            handler(event)
        return call

    @api.model
    def _sc_get_call(self, connection, event):
        call = self.search(
            [
                ("connection_id", "=", connection.id),
                ("external_id", "=", event["call_key"]),
            ],
            limit=1,
        )
        if call:
            return call
        Partner = self.env["res.partner"]
        caller = (event.get("caller") or "").strip()
        number = Partner._sc_phone_to_e164(caller, connection.company_id)
        partner = (
            Partner.search(Partner._sc_phone_domain(number), limit=1, order="id desc")
            if number
            else Partner
        )
        values = {
            "connection_id": connection.id,
            "external_id": event["call_key"],
            "direction": event.get("direction") or "in",
            "caller_number": caller,
            "caller_e164": number,
            "line_number": event.get("line"),
            "date_start": event.get("time") or fields.Datetime.now(),
            "partner_id": partner.commercial_partner_id.id,
        }
        try:
            with self.env.cr.savepoint():
                call = self.create(values)
        except psycopg2.IntegrityError:
            return self.search(
                [
                    ("connection_id", "=", connection.id),
                    ("external_id", "=", event["call_key"]),
                ],
                limit=1,
            )
        if call.direction == "in" and caller:
            call.lead_id = call._sc_find_or_create_lead()
        return call

    def _sc_find_or_create_lead(self):
        """The open lead of the caller's phone, or a new one with it filled."""
        self.ensure_one()
        Lead = self.env["crm.lead"]
        if self.caller_e164:
            domain = Lead._sc_phone_domain(self.caller_e164)
        else:
            domain = [("phone", "=", self.caller_number)]
        lead = Lead.search(
            [*domain, ("probability", "<", 100), ("sc_repair_id", "=", False)],
            limit=1,
            order="id desc",
        )
        if lead:
            return lead
        partner = self.partner_id
        return Lead.create(
            {
                "name": self.env._("Call from %(phone)s", phone=self.caller_number),
                "phone": self.caller_number,
                "partner_id": partner.id,
                "contact_name": partner.name or False,
                "team_id": self.connection_id.team_id.id,
                "user_id": False,
                "sc_operator_id": False,
                "company_id": self.company_id.id,
            }
        )

    def _sc_on_ring(self, event):
        if event.get("extension") and not self.extension:
            self.extension = event["extension"]

    def _sc_on_answer(self, event):
        user = self.connection_id._sc_user_for_extension(event.get("extension"))
        values = {}
        if not self.date_answer:
            values["date_answer"] = event.get("time") or fields.Datetime.now()
        if event.get("extension"):
            values["extension"] = event["extension"]
        if user:
            values["user_id"] = user.id
        if self.state == "ringing":
            values["state"] = "answered"
        self.write(values)
        if user and self.lead_id and not self.lead_id.sc_operator_id:
            self.lead_id.sc_operator_id = user
        if user:
            self._sc_pop_caller_card(user)

    def _sc_on_end(self, event):
        # A call summary (Mango events/summary) has the last word on the
        # outcome; other end events do not undo an earlier one.
        if self.state in FINAL_STATES and not event.get("final"):
            return
        answered = event.get("answered")
        if answered is None:
            answered = bool(self.date_answer)
        values = {
            "date_end": event.get("time") or fields.Datetime.now(),
            "state": "completed" if answered else "missed",
        }
        if event.get("duration") is not None:
            values["duration"] = event["duration"]
        elif self.date_answer:
            values["duration"] = int(
                (values["date_end"] - self.date_answer).total_seconds()
            )
        if answered and not self.date_answer:
            values["date_answer"] = event.get("answer_time") or values["date_end"]
        if answered and not self.user_id:
            user = self.connection_id._sc_user_for_extension(event.get("extension"))
            values["user_id"] = user.id
        self.write(values)
        if not answered:
            self._sc_schedule_callback()

    def _sc_schedule_callback(self):
        """A missed call leaves a call-back activity: an incoming one for the
        line's operators, an outgoing one the client did not answer for the
        user who placed it only."""
        self.ensure_one()
        if self.callback_scheduled or not self.lead_id:
            return
        if self.direction == "out":
            users = self.user_id or self.lead_id.user_id
            summary = self.env._(
                "Call %(phone)s again (no answer)", phone=self.caller_number
            )
        else:
            users = self.connection_id.extension_ids.user_id or self.lead_id.user_id
            summary = self.env._(
                "Call back %(phone)s (missed call)", phone=self.caller_number
            )
        for user in users:
            self.lead_id.activity_schedule(
                "mail.mail_activity_data_call", summary=summary, user_id=user.id
            )
        self.callback_scheduled = True

    def _sc_pop_caller_card(self, user):
        user._bus_send(
            BUS_CALLER_CARD,
            {
                "phone": self.caller_e164 or self.caller_number,
                "lead_id": self.lead_id.id,
                "call_id": self.id,
            },
        )

    def action_sc_open_caller_card(self):
        self.ensure_one()
        return self.env["repair.caller.card"].action_sc_open(
            self.caller_e164 or self.caller_number, self.lead_id.id
        )
