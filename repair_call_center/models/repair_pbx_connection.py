import secrets

from odoo import api, fields, models

PROVIDERS = [
    ("mango", "Mango Office"),
    ("zadarma", "Zadarma"),
    ("asterisk", "Asterisk (dialplan CURL)"),
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
        help="Mango: vpbx_api_key. Zadarma: API key. Twilio: Account SID.",
    )
    api_secret = fields.Char(
        string="Secret",
        copy=False,
        groups="base.group_system",
        help="Mango: API salt (sign). Zadarma: API secret (Signature). "
        "Asterisk: shared token sent by the dialplan. Twilio: Auth Token.",
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
