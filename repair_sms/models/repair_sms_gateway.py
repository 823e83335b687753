# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import secrets
import threading

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..providers import PROVIDERS, get_provider
from ..providers.base import AmbiguousError, TransientError, new_session

_logger = logging.getLogger(__name__)

# One keep-alive HTTP session per worker thread and gateway endpoint.
_SESSIONS = threading.local()


class RepairSmsGateway(models.Model):
    _name = "repair.sms.gateway"
    _description = "SMS Gateway"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    is_default = fields.Boolean(
        string="Default for the Company",
        help="Every SMS of the company goes through its default gateway.",
    )
    provider = fields.Selection(
        selection="_selection_provider", required=True, default="smsru"
    )
    endpoint = fields.Char(
        help="Base URL of the gateway's API. Empty: the provider's public URL. "
        "Set it for a reseller's host, a Kannel smsbox or a stand-in.",
    )
    account = fields.Char(
        string="Login / Account",
        groups="base.group_system",
        copy=False,
        help="SMSC.ru login, SMS Aero e-mail, Twilio Account SID, Kannel "
        "sendsms-user name. Not used by SMS.ru.",
    )
    secret = fields.Char(
        string="Password / API Key",
        groups="base.group_system",
        copy=False,
        help="SMS.ru api_id, SMSC.ru password, SMS Aero API key, Twilio Auth "
        "Token, Kannel sendsms-user password.",
    )
    sender = fields.Char(
        help="Sender name approved by the provider (alpha name or number)."
    )
    timeout = fields.Float(
        default=10.0, help="Seconds to wait for the gateway's answer."
    )
    callback_token = fields.Char(
        groups="base.group_system",
        copy=False,
        readonly=True,
        default=lambda self: secrets.token_urlsafe(24),
        help="Secret part of the delivery-report URL given to the gateway.",
    )
    max_attempts = fields.Integer(
        default=6,
        help="Attempts while the gateway is down or busy before the SMS fails.",
    )
    balance = fields.Float(readonly=True, copy=False, digits=(16, 2))
    balance_date = fields.Datetime(readonly=True, copy=False)
    has_balance = fields.Boolean(compute="_compute_capabilities")
    has_status_api = fields.Boolean(
        string="Has Status API", compute="_compute_capabilities"
    )
    test_number = fields.Char(
        help="Phone number the “Send Test SMS” button sends to.", copy=False
    )

    @api.model
    def _selection_provider(self):
        return [(code, cls.label) for code, cls in PROVIDERS.items()]

    @api.depends("provider")
    def _compute_capabilities(self):
        for gateway in self:
            cls = PROVIDERS.get(gateway.provider)
            gateway.has_balance = bool(cls and cls.has_balance)
            gateway.has_status_api = bool(cls and cls.has_status_api)

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        for gateway in self.filtered(lambda g: g.is_default and g.active):
            others = self.search_count(
                [
                    ("company_id", "=", gateway.company_id.id),
                    ("is_default", "=", True),
                    ("id", "!=", gateway.id),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "The company %(company)s already has a default SMS gateway.",
                        company=gateway.company_id.name,
                    )
                )

    @api.constrains("timeout", "max_attempts")
    def _check_limits(self):
        for gateway in self:
            if gateway.timeout <= 0 or gateway.max_attempts < 1:
                raise ValidationError(
                    self.env._(
                        "The timeout and the number of attempts must be positive."
                    )
                )

    # ------------------------------------------------------------------
    @api.model
    def _get_default(self, company=None):
        """The company's default gateway; an empty recordset when it has none."""
        company = company or self.env.company
        # sudo: every user's SMS goes through the company's default gateway.
        return self.sudo().search(
            [("company_id", "=", company.id), ("is_default", "=", True)], limit=1
        )

    def _provider(self):
        """The provider object, with credentials read as superuser.

        sudo: credentials are restricted to administrators, but every user who
        triggers an SMS (a receptionist confirming intake) makes it leave.
        """
        self.ensure_one()
        gateway_sudo = self.sudo()
        cls = get_provider(gateway_sudo.provider)
        sessions = _SESSIONS.__dict__.setdefault("sessions", {})
        key = (self.env.cr.dbname, gateway_sudo.id, gateway_sudo.endpoint)
        if key not in sessions:
            sessions[key] = new_session(gateway_sudo.endpoint)
        return cls(
            endpoint=gateway_sudo.endpoint,
            account=gateway_sudo.account,
            secret=gateway_sudo.secret,
            sender=gateway_sudo.sender,
            timeout=gateway_sudo.timeout,
            session=sessions[key],
        )

    def _report_url(self, uuid=None, base=None):
        """Delivery-report URL of this gateway, with its secret token.

        ``base``: this method's answer without uuid, when a batch already
        has it.
        """
        self.ensure_one()
        url = base
        if not url:
            # sudo: the token is a secret field (administrators only).
            url = "%s/repair_sms/report/%s/%s" % (
                self.get_base_url(),
                self.id,
                self.sudo().callback_token,
            )
        return "%s?uuid=%s" % (url, uuid) if uuid else url

    def _check_admin(self):
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only an administrator can use SMS gateways."))

    def action_send_test_sms(self):
        self.ensure_one()
        self._check_admin()
        if not self.test_number:
            raise UserError(self.env._("Enter the test phone number first."))
        body = self.env._(
            "Test SMS from %(company)s through %(gateway)s.",
            company=self.company_id.name,
            gateway=self.name,
        )
        message = {"uuid": "test", "number": self.test_number, "body": body}
        result = self._provider().send([message])[0]
        _logger.info(
            "Test SMS through gateway %s: %s %s", self.id, result.state, result.reason
        )
        if result.state != "pending":
            raise UserError(
                self.env._(
                    "The gateway did not accept the test SMS: %(reason)s",
                    reason=result.reason or result.failure_type,
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "The gateway accepted the test SMS to %(number)s.",
                    number=self.test_number,
                ),
            },
        }

    def action_refresh_balance(self):
        self._check_admin()
        for gateway in self:
            provider = gateway._provider()
            if not provider.has_balance:
                raise UserError(
                    self.env._(
                        "%(provider)s does not report a balance.",
                        provider=provider.label,
                    )
                )
            try:
                balance = provider.balance()
            except (TransientError, AmbiguousError) as exc:
                _logger.info("Balance of SMS gateway %s failed: %s", gateway.id, exc)
                raise UserError(
                    self.env._(
                        "The gateway did not report its balance: %(reason)s",
                        reason=str(exc),
                    )
                ) from exc
            gateway.write({"balance": balance, "balance_date": fields.Datetime.now()})
        return True
