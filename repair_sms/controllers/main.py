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
        try:
            provider = gateway_sudo._provider()
            results = provider.parse_report(data)
        except ValueError as exc:
            _logger.info(
                "SMS delivery report of gateway %s refused: %s", gateway_id, exc
            )
            raise BadRequest() from exc
        request.env["repair.sms.report"].sudo()._sc_store(gateway_sudo, results)
        return request.make_response(
            provider.report_answer(), headers=[("Content-Type", "text/plain")]
        )
