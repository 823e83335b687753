import json
import logging
import secrets
import uuid

import requests

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.pbx_signatures import mango_sign, zadarma_api_authorization

_logger = logging.getLogger(__name__)

API_URLS = {
    "mango": "https://app.mango-office.ru/vpbx",
    "zadarma": "https://api.zadarma.com",
    "twilio": "https://api.twilio.com",
}
API_TIMEOUT = 10
# Providers that place calls from Odoo (Asterisk: through ARI at its API URL).
CALL_PROVIDERS = [*API_URLS, "asterisk"]

PROVIDERS = [
    ("mango", "Mango Office"),
    ("zadarma", "Zadarma"),
    ("asterisk", "Asterisk (dialplan CURL, ARI)"),
    ("twilio", "Twilio Voice"),
]

WEBHOOK_ROOT = "/repair_call_center/webhook"


class RepairPbxConnection(models.Model):
    _name = "repair.pbx.connection"
    _description = "PBX Connection"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    provider = fields.Selection(PROVIDERS, required=True, default="mango")
    webhook_token = fields.Char(
        required=True,
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        groups="base.group_system",
        help="Secret part of the webhook URL that identifies this connection.",
    )
    api_key = fields.Char(
        string="API Key / Account",
        copy=False,
        groups="base.group_system",
        help="Mango: vpbx_api_key. Zadarma: API key. Twilio: Account SID. "
        "Asterisk: ARI user (ari.conf).",
    )
    api_secret = fields.Char(
        string="Secret",
        copy=False,
        groups="base.group_system",
        help="Mango: API salt (sign). Zadarma: API secret (Signature). "
        "Asterisk: shared token sent by the dialplan. Twilio: Auth Token.",
    )
    api_password = fields.Char(
        string="ARI Password",
        copy=False,
        groups="base.group_system",
        help="Asterisk: password of the ARI user (ari.conf), for click-to-call.",
    )
    api_url = fields.Char(
        string="API URL",
        groups="base.group_system",
        help="Base URL of the provider's API for click-to-call; empty for the "
        "provider's public one. Asterisk: the ARI root, e.g. "
        "http://pbx.example.lan:8088/ari.",
    )
    asterisk_endpoint = fields.Char(
        string="Extension Endpoint",
        default="PJSIP/{extension}",
        help="Asterisk: channel endpoint ARI rings first; {extension} is the "
        "user's extension (e.g. PJSIP/{extension} or SIP/{extension}).",
    )
    asterisk_context = fields.Char(
        string="Dialplan Context",
        default="from-internal",
        help="Asterisk: dialplan context where the client's number is dialled "
        "once the user answers.",
    )
    line_number = fields.Char(
        help="Number the PBX shows to the client on calls made from Odoo "
        "(Twilio: the From number).",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Call-Center Team",
        default=lambda self: self.env.ref(
            "repair_call_center.crm_team_call_center", raise_if_not_found=False
        ),
        help="Team of the leads created from calls.",
    )
    extension_ids = fields.One2many(
        "repair.pbx.extension", "connection_id", string="Extensions"
    )
    webhook_url = fields.Char(
        string="Webhook URL",
        compute="_compute_webhook_url",
        groups="base.group_system",
        help="Paste this URL into the PBX's admin panel.",
    )
    call_count = fields.Integer(compute="_compute_call_count")

    _sql_constraints = [
        (
            "webhook_token_unique",
            "UNIQUE(webhook_token)",
            "The webhook token must be unique.",
        ),
    ]

    @api.depends("provider", "webhook_token")
    def _compute_webhook_url(self):
        base = self.get_base_url() if self else ""
        for connection in self:
            connection.webhook_url = (
                f"{base}{WEBHOOK_ROOT}/{connection.webhook_token}/{connection.provider}"
            )

    def _compute_call_count(self):
        counts = dict(
            self.env["repair.call.log"]._read_group(
                [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]
            )
        )
        for connection in self:
            connection.call_count = counts.get(connection, 0)

    def action_regenerate_token(self):
        for connection in self:
            connection.webhook_token = secrets.token_urlsafe(24)

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "repair_call_center.repair_call_log_action"
        )
        action["domain"] = [("connection_id", "=", self.id)]
        return action

    def _sc_user_for_extension(self, extension):
        self.ensure_one()
        if not extension:
            return self.env["res.users"]
        line = self.extension_ids.filtered(lambda e: e.extension == str(extension))
        return line[:1].user_id

    # ------------------------------------------------------------------
    # Click-to-call
    # ------------------------------------------------------------------
    @api.model
    def _sc_check_may_call(self):
        user = self.env.user
        if not (
            user.has_group("repair_service_center.group_sc_operator")
            or user.has_group("repair_service_center.group_sc_manager")
        ):
            raise AccessError(
                self.env._("Only operators and managers call clients from Odoo.")
            )

    @api.model
    def _sc_connection_for_user(self, user):
        """The user's first connection that can place calls, and the extension.

        sudo: the extension map and credentials are administrators'; only the
        user's own extension is used.
        """
        lines = (
            self.env["repair.pbx.extension"]
            .sudo()
            .search(
                [
                    ("user_id", "=", user.id),
                    ("connection_id.active", "=", True),
                    ("connection_id.provider", "in", CALL_PROVIDERS),
                    ("connection_id.company_id", "in", self.env.companies.ids),
                ],
                limit=1,
            )
        )
        if not lines:
            raise UserError(
                self.env._(
                    "You have no extension on a PBX that can place calls: ask an "
                    "administrator to add yours to a PBX connection."
                )
            )
        return lines.connection_id, lines.extension

    @api.model
    def _sc_click_to_call(self, number, lead=None, repair=None):
        """Ring the current user's extension, then dial ``number``.

        Returns the outgoing call log entry.
        """
        self._sc_check_may_call()
        e164 = self.env["res.partner"]._sc_normalize_phone(number)
        connection_sudo, extension = self._sc_connection_for_user(self.env.user)
        command_id = uuid.uuid4().hex
        if connection_sudo.provider == "asterisk" and not connection_sudo.api_url:
            raise UserError(
                self.env._(
                    "The PBX %(pbx)s has no ARI URL: ask an administrator to set "
                    "its API URL.",
                    pbx=connection_sudo.name,
                )
            )
        try:
            external_id = connection_sudo._sc_request_callback(
                extension, e164, command_id
            )
        except requests.RequestException as error:
            _logger.warning(
                "Click-to-call through %s failed: %s", connection_sudo.name, error
            )
            raise UserError(
                self.env._(
                    "The PBX %(pbx)s did not place the call; try again or dial "
                    "by hand.",
                    pbx=connection_sudo.name,
                )
            ) from None
        partner = self.env["res.partner"].search(
            self.env["res.partner"]._sc_phone_domain(e164), limit=1
        )
        # sudo: the call log is written by the telephony, users only read it.
        return (
            self.env["repair.call.log"]
            .sudo()
            .create(
                {
                    "connection_id": connection_sudo.id,
                    "external_id": external_id or command_id,
                    "direction": "out",
                    "caller_number": number,
                    "caller_e164": e164,
                    "line_number": connection_sudo.line_number,
                    "extension": extension,
                    "user_id": self.env.uid,
                    "date_start": fields.Datetime.now(),
                    "lead_id": lead.id if lead else False,
                    "repair_id": repair.id if repair else False,
                    "partner_id": partner.commercial_partner_id.id,
                }
            )
        )

    def _sc_request_callback(self, extension, e164, command_id):
        """Ask the provider to ring ``extension`` then dial ``e164``; return
        the provider's id of the call when it gives one."""
        self.ensure_one()
        base = (self.api_url or API_URLS.get(self.provider, "")).rstrip("/")
        if self.provider == "mango":
            text = json.dumps(
                {
                    "command_id": command_id,
                    "from": {"extension": extension},
                    "to_number": e164.lstrip("+"),
                }
            )
            response = requests.post(
                f"{base}/commands/callback",
                data={
                    "vpbx_api_key": self.api_key or "",
                    "sign": mango_sign(self.api_key or "", text, self.api_secret or ""),
                    "json": text,
                },
                timeout=API_TIMEOUT,
            )
            response.raise_for_status()
            return command_id
        if self.provider == "zadarma":
            path = "/v1/request/callback/"
            params = {"from": extension, "to": e164.lstrip("+")}
            response = requests.get(
                f"{base}{path}",
                params=sorted(params.items()),
                headers={
                    "Authorization": zadarma_api_authorization(
                        self.api_key or "", self.api_secret or "", path, params
                    )
                },
                timeout=API_TIMEOUT,
            )
            response.raise_for_status()
            if response.json().get("status") != "success":
                raise requests.RequestException(response.text[:200])
            return None
        if self.provider == "asterisk":
            return self._sc_ari_originate(base, extension, e164, command_id)
        # Twilio: call the user's phone, then TwiML dials the client.
        response = requests.post(
            f"{base}/2010-04-01/Accounts/{self.api_key}/Calls.json",
            auth=(self.api_key or "", self.api_secret or ""),
            data={
                "To": extension,
                "From": self.line_number or "",
                "Twiml": f"<Response><Dial>{e164}</Dial></Response>",
            },
            timeout=API_TIMEOUT,
        )
        response.raise_for_status()
        return response.json().get("sid")

    def _sc_ari_originate(self, base, extension, e164, command_id):
        """Asterisk ARI ``POST /channels``: ring the user's endpoint, then
        continue in the dialplan at ``extension@context`` (the client's
        number). The channel id is ours, so the dialplan's CURL events of the
        call (uid / linkedid) land on the same call log entry."""
        endpoint = (self.asterisk_endpoint or "PJSIP/{extension}").replace(
            "{extension}", str(extension)
        )
        params = {
            "endpoint": endpoint,
            "extension": e164.lstrip("+"),
            "context": self.asterisk_context or "from-internal",
            "priority": 1,
            "channelId": command_id,
            "timeout": 30,
        }
        if self.line_number:
            params["callerId"] = self.line_number
        response = requests.post(
            f"{base}/channels",
            params=params,
            auth=(self.api_key or "", self.api_password or ""),
            timeout=API_TIMEOUT,
        )
        response.raise_for_status()
        try:
            return response.json().get("id") or command_id
        except ValueError:
            return command_id
