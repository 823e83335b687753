# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio Programmable Messaging (``account`` Account SID, ``secret`` Auth
Token, ``sender`` a Twilio number or a Messaging Service SID ``MG…``).

Status callbacks are verified twice: the secret token in the callback URL, and
``X-Twilio-Signature`` as Twilio documents it: base64 of HMAC-SHA1, keyed with
the account's Auth Token, over the full callback URL (query string included)
followed by every POST parameter, sorted by name, as name + value.
"""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit, urlunsplit

from .base import SendResult, SmsProvider, StatusResult, TransientError, register

ERRORS = {
    20003: "sms_acc",
    20404: "sms_acc",
    21211: "sms_number_format",
    21614: "sms_number_format",
    21408: "sms_country_not_supported",
    21612: "sms_country_not_supported",
    21606: "sms_registration_needed",
    21212: "sms_registration_needed",
    21610: "sms_optout",
    30003: "sms_invalid_destination",
    30005: "sms_invalid_destination",
    30007: "sms_rejected",
}
RETRY = {20429}
DEFAULT_PORTS = {"http": 80, "https": 443}
STATUS = {
    "queued": ("pending", ""),
    "accepted": ("pending", ""),
    "scheduled": ("pending", ""),
    "sending": ("pending", ""),
    "sent": ("pending", ""),
    "delivered": ("sent", ""),
    "read": ("sent", ""),
    "undelivered": ("error", "sms_not_delivered"),
    "failed": ("error", "sms_not_delivered"),
    "canceled": ("error", "sms_rejected"),
}


@register
class TwilioProvider(SmsProvider):
    code = "twilio"
    label = "Twilio"
    default_endpoint = "https://api.twilio.com"
    has_status_api = True
    has_balance = True

    @staticmethod
    def signature(auth_token, url, params):
        """Twilio's request signature of ``url`` and the POST ``params``.

        ``params``: (name, value) pairs, or a dict. Each distinct value of a
        repeated name counts once, in order, as Twilio's own libraries do.
        """
        pairs = params.items() if hasattr(params, "items") else params
        payload = url + "".join(name + value for name, value in sorted(set(pairs)))
        digest = hmac.new(
            auth_token.encode(), payload.encode("utf-8"), hashlib.sha1
        ).digest()
        return base64.b64encode(digest).decode()

    @staticmethod
    def _port_variants(url):
        """The URL with and without its scheme's default port: Twilio signs
        the URL as it was given, proxies add or drop ``:443``."""
        parts = urlsplit(url)
        default = DEFAULT_PORTS.get(parts.scheme)
        host = parts.hostname or ""
        if ":" in host:  # IPv6 literal
            host = "[%s]" % host
        variants = {url}
        if default and parts.port in (None, default):
            for netloc in (host, "%s:%s" % (host, default)):
                variants.add(urlunsplit(parts._replace(netloc=netloc)))
        return variants

    def verify_report(self, urls, form, headers):
        signature = headers.get("X-Twilio-Signature") or ""
        if not signature or not self.secret:
            return False
        for url in urls:
            for variant in self._port_variants(url):
                expected = self.signature(self.secret, variant, form)
                if hmac.compare_digest(expected, signature):
                    return True
        return False

    def _base(self):
        return "/2010-04-01/Accounts/%s" % self.account

    def _send_one(self, message):
        number = "+" + self.digits(message["number"])
        data = {"To": number, "Body": message["body"]}
        if self.sender.startswith("MG"):
            data["MessagingServiceSid"] = self.sender
        else:
            data["From"] = self.sender
        if message.get("dlr_url"):
            data["StatusCallback"] = message["dlr_url"]
        response = self._request(
            "POST",
            self._base() + "/Messages.json",
            data=data,
            auth=(self.account, self.secret),
        )
        answer = self._json(response)
        if response.status_code >= 400:
            code = int(answer.get("code") or 0)
            reason = "%s %s" % (code, answer.get("message") or "")
            if code in RETRY or response.status_code == 429:
                return SendResult(message["uuid"], "retry", reason=reason)
            return SendResult(
                message["uuid"],
                "error",
                failure_type=ERRORS.get(code, "unknown"),
                reason=reason,
            )
        result = self._state(answer["sid"], answer.get("status"), answer)
        if result and result.state == "error":
            return SendResult(
                message["uuid"], "error", answer["sid"], result.failure_type
            )
        return SendResult(message["uuid"], "pending", message_id=answer["sid"])

    def _state(self, sid, status, answer):
        if status not in STATUS:
            return None
        state, failure = STATUS[status]
        reason = ""
        if failure:
            code = answer.get("error_code") or answer.get("ErrorCode") or ""
            reason = (
                "%s %s %s" % (status, code, answer.get("error_message") or "")
            ).strip()
        return StatusResult(sid, state, failure, reason)

    def status(self, message_ids):
        results = []
        for sid in message_ids:
            response = self._request(
                "GET",
                self._base() + "/Messages/%s.json" % sid,
                auth=(self.account, self.secret),
            )
            if response.status_code == 200:
                answer = self._json(response)
                result = self._state(sid, answer.get("status"), answer)
                if result:
                    results.append(result)
        return results

    def balance(self):
        response = self._request(
            "GET", self._base() + "/Balance.json", auth=(self.account, self.secret)
        )
        if response.status_code != 200:
            raise TransientError("balance refused: HTTP %s" % response.status_code)
        return float(self._json(response)["balance"])

    def parse_report(self, params):
        sid = params.get("MessageSid") or ""
        result = self._state(sid, params.get("MessageStatus"), params)
        if not sid or not result:
            raise ValueError("bad Twilio status callback")
        return [result]
