# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .standins.sms_gateways import SECRET, TWILIO_SID, SmsStandin

CREDENTIALS = {
    "smsru": {"account": False},
    "smsc": {"account": "standin"},
    "smsaero": {"account": "shop@example.com"},
    "twilio": {"account": TWILIO_SID},
}


class StandinMixin:
    """A stand-in SMS gateway server for the test class."""

    @classmethod
    def _start_standin(cls):
        cls.standin = SmsStandin().start()
        cls.addClassCleanup(cls.standin.stop)
        # The demo gateway is the default one: these tests choose their own.
        cls.env["repair.sms.gateway"].search([("is_default", "=", True)]).write(
            {"is_default": False}
        )

    @classmethod
    def _gateway(cls, provider="smsru", **vals):
        values = {
            "name": "Stand-in %s" % provider,
            "provider": provider,
            "endpoint": cls.standin.url,
            "secret": SECRET,
            "sender": "RSC",
            "timeout": 5.0,
            **CREDENTIALS.get(provider, {}),
        }
        values.update(vals)
        return cls.env["repair.sms.gateway"].create(values)

    def _sms(self, gateway, number="+79161234567", body="Hello", count=1):
        return self.env["sms.sms"].create(
            [
                {"number": number, "body": body, "sc_gateway_id": gateway.id}
                for _i in range(count)
            ]
        )

    def _sent(self):
        return list(self.standin.state.messages)

    def setUp(self):
        super().setUp()
        self.standin.state.reset()
