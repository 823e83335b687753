# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Kannel's smsbox ``sendsms`` interface (operators' and aggregators' gateways).

``account``/``secret`` are a ``sendsms-user``'s username and password; the
endpoint is smsbox's ``sendsms-port``. Kannel gives no message id: the delivery
report URL carries our uuid, and Kannel fills in ``%d`` (report type) and
``%A`` (the SMSC's answer).
"""

from .base import SendResult, SmsProvider, StatusResult, register

# dlr-mask 31: delivered, failed, buffered, SMSC accepted, SMSC rejected.
DLR_MASK = 31
DLR_STATES = {
    "1": ("sent", ""),
    "2": ("error", "sms_not_delivered"),
    "4": ("pending", ""),
    "8": ("pending", ""),
    "16": ("error", "sms_rejected"),
}


@register
class KannelProvider(SmsProvider):
    code = "kannel"
    label = "Kannel"
    default_endpoint = "http://127.0.0.1:13013"

    def _send_one(self, message):
        params = {
            "username": self.account,
            "password": self.secret,
            "from": self.sender,
            "to": self.digits(message["number"]),
            "text": message["body"],
            "charset": "UTF-8",
        }
        if not message["body"].isascii():
            params["coding"] = 2  # UCS-2: Cyrillic, ₽
        if message.get("dlr_url"):
            params["dlr-mask"] = DLR_MASK
            params["dlr-url"] = message["dlr_url"] + "&type=%d&reply=%A"
        response = self._request("GET", "/cgi-bin/sendsms", params=params)
        text = response.text.strip()
        if response.status_code == 202 or text.startswith(("0:", "3:")):
            # "0: Accepted for delivery" or "3: Queued for later delivery".
            return SendResult(message["uuid"], "pending", reason=text)
        failure = {403: "sms_acc", 400: "sms_number_format"}.get(
            response.status_code, "unknown"
        )
        return SendResult(message["uuid"], "error", failure_type=failure, reason=text)

    def parse_report(self, params):
        uuid = params.get("uuid") or ""
        kind = params.get("type") or ""
        if not uuid or kind not in DLR_STATES:
            raise ValueError("bad Kannel delivery report")
        state, failure = DLR_STATES[kind]
        reason = (params.get("reply") or "")[:200] if state == "error" else ""
        return [StatusResult(uuid, state, failure, reason, by_uuid=True)]
