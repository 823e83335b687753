# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from werkzeug.exceptions import BadRequest, Forbidden

from odoo.http import Controller, request, route
from odoo.tools import consteq

_logger = logging.getLogger(__name__)


class RepairSmsReportController(Controller):
    @route(
        "/repair_sms/report/<int:gateway_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def delivery_report(self, gateway_id, token, **params):
        """Delivery report of a gateway; the URL's secret token identifies it."""
        # sudo: a public callback; the URL's secret token is checked below.
        gateway_sudo = request.env["repair.sms.gateway"].sudo().browse(gateway_id)
        if not gateway_sudo.exists() or not consteq(
            gateway_sudo.callback_token or "", token or ""
        ):
            _logger.info("SMS delivery report refused: bad gateway or token")
            raise Forbidden()
        data = dict(request.httprequest.args)
        data.update(request.httprequest.form)
        if request.httprequest.mimetype == "application/json":
            try:
                body = json.loads(request.httprequest.get_data() or b"{}")
            except ValueError as exc:
                raise BadRequest() from exc
            if isinstance(body, dict):
                data.update(body)
        provider = gateway_sudo._provider()
        if not provider.verify_report(
            self._callback_urls(gateway_sudo),
            list(request.httprequest.form.items(multi=True)),
            request.httprequest.headers,
        ):
            # Neither the signature nor the token goes to the log.
            _logger.warning(
                "SMS delivery report of gateway %s refused: missing or wrong "
                "signature (from %s)",
                gateway_id,
                request.httprequest.remote_addr,
            )
            raise Forbidden()
        try:
            results = provider.parse_report(data)
        except ValueError as exc:
            _logger.info(
                "SMS delivery report of gateway %s refused: %s", gateway_id, exc
            )
            raise BadRequest() from exc
        # sudo: delivery reports are stored for a gateway whose token matched.
        request.env["repair.sms.report"].sudo()._sc_store(gateway_sudo, results)
        return request.make_response(
            provider.report_answer(), headers=[("Content-Type", "text/plain")]
        )

    @staticmethod
    def _callback_urls(gateway_sudo):
        """The URLs the gateway may have signed, best guess first.

        The gateway was given ``<web.base.url>/repair_sms/report/…`` (see
        ``repair.sms.gateway._report_url``), so that is what it signs; behind
        a reverse proxy the URL this server sees differs (``--proxy-mode``
        rebuilds it from ``X-Forwarded-Host`` and ``X-Forwarded-Proto``),
        hence the second candidate.
        """
        httprequest = request.httprequest
        tail = httprequest.path
        if httprequest.query_string:
            tail += "?" + httprequest.query_string.decode("latin-1")
        base = gateway_sudo.get_base_url().rstrip("/")
        seen = httprequest.host_url.rstrip("/")
        return [base + tail] + ([seen + tail] if seen != base else [])
