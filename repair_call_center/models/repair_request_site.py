import secrets

from odoo import api, fields, models

RATE_LIMIT_PARAM = "repair_call_center.web_request_rate_limit"
RATE_WINDOW_PARAM = "repair_call_center.web_request_rate_window"


class RepairRequestSite(models.Model):
    """An external site whose request form posts to the JSON endpoint."""

    _name = "repair.request.site"
    _description = "Repair Request Site"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    api_key = fields.Char(
        string="API Key",
        required=True,
        copy=False,
        default=lambda self: secrets.token_urlsafe(32),
        groups="base.group_system",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Call-Center Team",
        default=lambda self: self.env.ref(
            "repair_call_center.crm_team_call_center", raise_if_not_found=False
        ),
    )

    _sql_constraints = [
        ("api_key_unique", "UNIQUE(api_key)", "The API key must be unique."),
    ]

    def action_regenerate_key(self):
        for site in self:
            site.api_key = secrets.token_urlsafe(32)

    @api.model
    def _sc_rate_limited(self, address):
        """True when ``address`` sent too many requests lately (config
        parameters: limit, default 5, per window in minutes, default 10)."""
        # sudo: the public form's rate-limit settings (technical parameters).
        params = self.env["ir.config_parameter"].sudo()
        limit = int(params.get_param(RATE_LIMIT_PARAM, 5))
        minutes = int(params.get_param(RATE_WINDOW_PARAM, 10))
        since = fields.Datetime.subtract(fields.Datetime.now(), minutes=minutes)
        count = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search_count(
                [("sc_source_ip", "=", address), ("create_date", ">=", since)],
                limit=limit,
            )
        )
        return count >= limit

    @api.model
    def _sc_create_request_lead(self, values, address, team=None, source=""):
        """A repair lead from a web request, for the call center's team."""
        name = (values.get("name") or "").strip()
        phone = (values.get("phone") or "").strip()
        team = team or self.env.ref(
            "repair_call_center.crm_team_call_center", raise_if_not_found=False
        )
        return self.env["crm.lead"].create(
            {
                "name": self.env._(
                    "Web request: %(device)s",
                    device=(values.get("device") or "").strip() or phone,
                ),
                "contact_name": name,
                "phone": phone,
                "email_from": (values.get("email") or "").strip() or False,
                "sc_device_text": (values.get("device") or "").strip() or False,
                "sc_fault_description": (values.get("fault") or "").strip() or False,
                "team_id": team.id if team else False,
                "user_id": False,
                "sc_operator_id": False,
                "sc_source_ip": address,
                "description": source,
            }
        )
