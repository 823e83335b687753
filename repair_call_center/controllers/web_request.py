import json
import logging

from werkzeug.exceptions import BadRequest, Forbidden, TooManyRequests

from odoo import http
from odoo.http import request
from odoo.tools import consteq

_logger = logging.getLogger(__name__)

REQUIRED = ("name", "phone", "fault")
MAX_LENGTH = 2000


def _clean(values):
    """The request's fields as stripped strings, or None when malformed."""
    cleaned = {}
    for key in ("name", "phone", "device", "fault", "email"):
        value = values.get(key, "")
        if not isinstance(value, str) or len(value) > MAX_LENGTH:
            return None
        cleaned[key] = value.strip()
    if not all(cleaned[key] for key in REQUIRED):
        return None
    return cleaned


class RepairRequestController(http.Controller):
    @http.route("/repair/request", type="http", auth="public", methods=["GET"])
    def request_page(self, **_kwargs):
        return request.render("repair_call_center.repair_request_page", {"values": {}})

    @http.route("/repair/request", type="http", auth="public", methods=["POST"])
    def request_submit(self, **post):
        address = request.httprequest.remote_addr
        # sudo: visitors are public users; the request is checked below.
        site_sudo = request.env["repair.request.site"].sudo()
        if post.get("website_url"):
            # Honeypot: only robots fill the hidden field. Thank them anyway.
            _logger.info("Web repair request from %s dropped by the honeypot", address)
            return request.render("repair_call_center.repair_request_thanks")
        values = _clean(post)
        if values is None:
            return request.render(
                "repair_call_center.repair_request_page",
                {"values": post, "error": True},
                status=400,
            )
        if site_sudo._sc_rate_limited(address):
            _logger.warning("Web repair requests from %s throttled", address)
            return request.render(
                "repair_call_center.repair_request_page",
                {"values": post, "throttled": True},
                status=429,
            )
        site_sudo._sc_create_request_lead(
            values, address, source=request.env._("Repair request page")
        )
        return request.render("repair_call_center.repair_request_thanks")

    @http.route(
        "/repair_call_center/api/request",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def request_api(self, **_kwargs):
        key = request.httprequest.headers.get("X-Api-Key", "")
        # sudo: the caller is an external site, authenticated by its API key.
        site_sudo = (
            request.env["repair.request.site"]
            .sudo()
            .search([("api_key", "=", key)], limit=1)
            if key
            else None
        )
        if not site_sudo or not consteq(site_sudo.api_key, key):
            _logger.warning("Repair request API: bad API key refused")
            raise Forbidden()
        try:
            payload = json.loads(request.httprequest.get_data(as_text=True))
        except ValueError:
            payload = None
        values = _clean(payload) if isinstance(payload, dict) else None
        if values is None:
            _logger.warning(
                "Repair request API: malformed request from %s", site_sudo.name
            )
            raise BadRequest()
        address = request.httprequest.remote_addr
        if site_sudo._sc_rate_limited(address):
            _logger.warning("Repair request API: requests from %s throttled", address)
            raise TooManyRequests()
        lead = site_sudo.with_company(site_sudo.company_id)._sc_create_request_lead(
            values,
            address,
            team=site_sudo.team_id,
            source=request.env._("Request form of %(site)s", site=site_sudo.name),
        )
        return request.make_json_response({"id": lead.id}, status=201)
