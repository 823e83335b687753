# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api

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


class CommittedMixin:
    """Records that another connection or process must see: committed on a
    cursor of their own, deleted in a cleanup (with ``StandinMixin``)."""

    def _committed(self, function):
        with self.registry.cursor() as cr:
            # The test runner holds the registry lock: hand the registry to
            # the transaction instead of looking it up.
            cr.transaction = api.Transaction(self.registry)
            result = function(api.Environment(cr, SUPERUSER_ID, {}))
            # Another connection must see the rows: the test commits its own
            # records on its own cursor and deletes them in a cleanup.
            cr.commit()  # pylint: disable=invalid-commit
        return result

    def _committed_batch(self, name, messages, provider="smsru"):
        """A gateway to the stand-in and its queued SMS (``messages``: pairs
        of number and text), committed; returns (gateway id, SMS ids)."""

        def setup(env):
            gateway = env["repair.sms.gateway"].create(
                {
                    "name": name,
                    "provider": provider,
                    "endpoint": self.standin.url,
                    "secret": SECRET,
                    **CREDENTIALS.get(provider, {}),
                }
            )
            rows = env["sms.sms"].create(
                [
                    {"number": number, "body": text, "sc_gateway_id": gateway.id}
                    for number, text in messages
                ]
            )
            return gateway.id, rows.ids

        gateway_id, ids = self._committed(setup)

        def cleanup(env):
            env["sms.sms"].browse(ids).unlink()
            env["repair.sms.report"].search([("gateway_id", "=", gateway_id)]).unlink()
            env["repair.sms.gateway"].browse(gateway_id).unlink()

        self.addCleanup(self._committed, cleanup)
        return gateway_id, ids
