import json
import logging
from datetime import datetime, timezone

from werkzeug.exceptions import BadRequest, Forbidden

from odoo import http
from odoo.http import request
from odoo.tools import consteq

from ..tools.pbx_signatures import mango_sign, twilio_signature, zadarma_signature

_logger = logging.getLogger(__name__)

WEBHOOK = "/repair_call_center/webhook/<string:token>"

ZADARMA_KINDS = {
    "NOTIFY_START": "ring",
    "NOTIFY_INTERNAL": "ring",
    "NOTIFY_ANSWER": "answer",
    "NOTIFY_END": "end",
}
MANGO_KINDS = {"Appeared": "ring", "Connected": "answer", "Disconnected": "end"}
ASTERISK_KINDS = {"ring": "ring", "answer": "answer", "hangup": "end"}
TWILIO_KINDS = {
    "queued": "ring",
    "ringing": "ring",
    "in-progress": "answer",
    "completed": "end",
    "busy": "end",
    "failed": "end",
    "no-answer": "end",
    "canceled": "end",
}


def _utc(timestamp):
    """Naive UTC datetime of a unix timestamp (Odoo's Datetime format)."""
    return datetime.fromtimestamp(int(timestamp), timezone.utc).replace(tzinfo=None)


class PbxWebhookController(http.Controller):
    def _connection(self, token, provider):
        """The active connection of this URL token, or 403.

        sudo: the PBX is not an Odoo user; it proves itself by the secret
        token of the URL and then by the provider's signature.
        """
        connection_sudo = (
            request.env["repair.pbx.connection"]
            .sudo()
            .search(
                [("webhook_token", "=", token or ""), ("provider", "=", provider)],
                limit=1,
            )
        )
        if not connection_sudo or not consteq(connection_sudo.webhook_token, token):
            _logger.warning("PBX webhook: unknown token for %s", provider)
            raise Forbidden()
        return connection_sudo

    def _process(self, connection_sudo, event):
        # sudo: see _connection; the event is authenticated at this point.
        call_log_sudo = request.env["repair.call.log"].sudo()
        return call_log_sudo.with_company(connection_sudo.company_id)._sc_process_event(
            connection_sudo, event
        )

    @staticmethod
    def _bad(message, *args):
        _logger.warning("PBX webhook: " + message, *args)
        raise BadRequest()

    # ------------------------------------------------------------------
    # Mango Office
    # ------------------------------------------------------------------
    @http.route(
        f"{WEBHOOK}/mango/events/<string:event_type>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def mango_event(self, token, event_type, **post):
        connection_sudo = self._connection(token, "mango")
        key, sign, text = post.get("vpbx_api_key"), post.get("sign"), post.get("json")
        if not (key and sign and text is not None):
            self._bad("Mango request without vpbx_api_key, sign or json")
        expected = mango_sign(
            connection_sudo.api_key or "", text, connection_sudo.api_secret or ""
        )
        if not consteq(key, connection_sudo.api_key or "") or not consteq(
            sign, expected
        ):
            _logger.warning("PBX webhook: forged Mango request refused")
            raise Forbidden()
        try:
            body = json.loads(text)
            entry_id = str(body["entry_id"])
        except (ValueError, KeyError, TypeError):
            self._bad("malformed Mango json %r", text[:200])
        if not isinstance(body, dict):
            self._bad("malformed Mango json %r", text[:200])
        try:
            if event_type == "call":
                event = self._mango_call_event(entry_id, body)
            elif event_type == "summary":
                event = self._mango_summary_event(entry_id, body)
            else:
                return request.make_response("OK")
        except (KeyError, TypeError, ValueError, AttributeError):
            self._bad("Mango %s event with missing fields: %r", event_type, body)
        if event:
            self._process(connection_sudo, event)
        return request.make_response("OK")

    def _mango_call_event(self, entry_id, body):
        kind = MANGO_KINDS.get(body["call_state"])
        if not kind:
            return None  # OnHold: nothing to log
        seq = int(body["seq"])
        call_id = str(body["call_id"])
        source = body.get("from") or {}
        target = body.get("to") or {}
        inbound = not source.get("extension")
        return {
            "key": f"call:{call_id}:{seq}",
            "call_key": entry_id,
            "kind": kind,
            "direction": "in" if inbound else "out",
            "caller": source.get("number") if inbound else target.get("number"),
            "line": target.get("line_number") or target.get("number"),
            "extension": (target if inbound else source).get("extension"),
            "time": _utc(body["timestamp"]),
            "leg": call_id,
            "seq": seq,
        }

    def _mango_summary_event(self, entry_id, body):
        talk_time = int(body.get("talk_time") or 0)
        end_time = int(body["end_time"])
        create_time = int(body.get("create_time") or end_time)
        inbound = str(body.get("call_direction", "1")) == "1"
        source = body.get("from") or {}
        target = body.get("to") or {}
        agent = target if inbound else source
        return {
            "key": f"summary:{entry_id}",
            "final": True,
            "call_key": entry_id,
            "kind": "end",
            "direction": "in" if inbound else "out",
            "caller": source.get("number") if inbound else target.get("number"),
            "line": body.get("line_number") or target.get("line_number"),
            "extension": agent.get("extension"),
            "time": _utc(end_time),
            "answer_time": _utc(talk_time) if talk_time else None,
            "answered": bool(talk_time),
            "duration": max(end_time - talk_time, 0) if talk_time else 0,
            "start": _utc(create_time),
        }

    # ------------------------------------------------------------------
    # Zadarma
    # ------------------------------------------------------------------
    @http.route(
        f"{WEBHOOK}/zadarma",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def zadarma_event(self, token, **post):
        connection_sudo = self._connection(token, "zadarma")
        if request.httprequest.method == "GET":
            # URL check of the Zadarma panel: echo zd_echo back.
            return request.make_response(post.get("zd_echo", ""))
        event_name = post.get("event")
        if not event_name or not post.get("pbx_call_id"):
            self._bad("Zadarma request without event or pbx_call_id")
        signature = request.httprequest.headers.get("Signature", "")
        expected = zadarma_signature(connection_sudo.api_secret or "", post)
        if not signature or not consteq(signature, expected):
            _logger.warning("PBX webhook: forged Zadarma request refused")
            raise Forbidden()
        kind = ZADARMA_KINDS.get(event_name)
        if not kind:
            return request.make_response("OK")
        duration = post.get("duration")
        if duration not in (None, "") and not str(duration).isdigit():
            self._bad("Zadarma duration %r", duration)
        event = {
            "key": f"{post['pbx_call_id']}:{event_name}",
            "call_key": post["pbx_call_id"],
            "kind": kind,
            "direction": "in",
            "caller": post.get("caller_id"),
            "line": post.get("called_did"),
            "extension": post.get("destination") or post.get("internal"),
            "duration": int(duration) if duration not in (None, "") else None,
        }
        if kind == "end":
            event["answered"] = post.get("disposition") == "answered"
        self._process(connection_sudo, event)
        return request.make_response("OK")

    # ------------------------------------------------------------------
    # Asterisk (dialplan CURL with a shared token)
    # ------------------------------------------------------------------
    @http.route(
        f"{WEBHOOK}/asterisk",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def asterisk_event(self, token, **_kwargs):
        connection_sudo = self._connection(token, "asterisk")
        # The form's own ``token`` field is shadowed by the URL's in kwargs.
        post = request.httprequest.form.to_dict()
        shared = connection_sudo.api_secret or ""
        if not shared or not consteq(post.get("token", ""), shared):
            _logger.warning("PBX webhook: Asterisk request with a bad token refused")
            raise Forbidden()
        kind = ASTERISK_KINDS.get(post.get("event"))
        uid = post.get("linkedid") or post.get("uid")
        if not kind or not uid:
            self._bad("Asterisk request without a known event or uid")
        duration = post.get("duration") or ""
        if duration and not duration.isdigit():
            self._bad("Asterisk duration %r", duration)
        event = {
            "key": f"{uid}:{post['event']}",
            "call_key": uid,
            "kind": kind,
            "direction": "in",
            "caller": post.get("caller"),
            "line": post.get("exten"),
            "extension": post.get("agent"),
            "duration": int(duration) if duration else None,
        }
        if kind == "end":
            event["answered"] = post.get("disposition", "").upper() == "ANSWER"
        self._process(connection_sudo, event)
        return request.make_response("OK")

    # ------------------------------------------------------------------
    # Twilio Voice
    # ------------------------------------------------------------------
    @http.route(
        f"{WEBHOOK}/twilio",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def twilio_event(self, token, **post):
        connection_sudo = self._connection(token, "twilio")
        signature = request.httprequest.headers.get("X-Twilio-Signature", "")
        params = request.httprequest.form.to_dict()
        expected = twilio_signature(
            connection_sudo.api_secret or "", request.httprequest.url, params
        )
        if not signature or not consteq(signature, expected):
            _logger.warning("PBX webhook: forged Twilio request refused")
            raise Forbidden()
        if params.get("AccountSid") != (connection_sudo.api_key or ""):
            _logger.warning("PBX webhook: Twilio request for another account refused")
            raise Forbidden()
        sid, status = params.get("CallSid"), params.get("CallStatus")
        kind = TWILIO_KINDS.get(status)
        if not sid or not kind:
            self._bad("Twilio request without CallSid or a known CallStatus")
        duration = params.get("CallDuration") or ""
        if duration and not duration.isdigit():
            self._bad("Twilio CallDuration %r", duration)
        inbound = params.get("Direction", "inbound") == "inbound"
        event = {
            "key": f"{sid}:{status}",
            "call_key": sid,
            "kind": kind,
            "direction": "in" if inbound else "out",
            "caller": params.get("From") if inbound else params.get("To"),
            "line": params.get("To") if inbound else params.get("From"),
            "duration": int(duration) if duration else None,
        }
        if kind == "end":
            event["answered"] = status == "completed"
        self._process(connection_sudo, event)
        return request.make_response(
            "<?xml version='1.0' encoding='UTF-8'?><Response/>",
            headers=[("Content-Type", "text/xml")],
        )
