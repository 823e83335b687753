# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SMS.ru (https://sms.ru/api): ``account`` unused, ``secret`` is the api_id."""

from .base import SendResult, SmsProvider, StatusResult, TransientError, register

SEND_ERRORS = {
    200: "sms_acc",
    201: "sms_credit",
    202: "sms_number_format",
    203: "unknown",
    204: "sms_registration_needed",
    207: "sms_not_allowed",
}
RETRY_CODES = {220}
STATUS = {
    100: ("pending", ""),
    101: ("pending", ""),
    102: ("pending", ""),
    103: ("sent", ""),
    110: ("sent", ""),
    104: ("error", "sms_expired"),
    105: ("error", "sms_rejected"),
    106: ("error", "sms_not_delivered"),
    107: ("error", "sms_not_delivered"),
    108: ("error", "sms_rejected"),
    150: ("error", "sms_invalid_destination"),
}


@register
class SmsRuProvider(SmsProvider):
    code = "smsru"
    label = "SMS.ru"
    default_endpoint = "https://sms.ru"
    has_status_api = True
    has_balance = True

    def _error(self, uuid, answer):
        code = int(answer.get("status_code") or 0)
        reason = "%s %s" % (code, answer.get("status_text") or "")
        if code in RETRY_CODES:
            return SendResult(uuid, "retry", reason=reason)
        return SendResult(
            uuid, "error", failure_type=SEND_ERRORS.get(code, "unknown"), reason=reason
        )

    def _send_one(self, message):
        number = self.digits(message["number"])
        data = {"api_id": self.secret, "to": number, "msg": message["body"], "json": 1}
        if self.sender:
            data["from"] = self.sender
        answer = self._json(self._request("POST", "/sms/send", data=data))
        if answer.get("status") != "OK":
            return self._error(message["uuid"], answer)
        one = (answer.get("sms") or {}).get(number) or {}
        if one.get("status") != "OK":
            return self._error(message["uuid"], one)
        return SendResult(message["uuid"], "pending", message_id=str(one["sms_id"]))

    def _state(self, sms_id, answer):
        code = int(answer.get("status_code") or 0)
        if code not in STATUS:
            return None
        state, failure = STATUS[code]
        reason = "%s %s" % (code, answer.get("status_text") or "")
        return StatusResult(sms_id, state, failure, reason if failure else "")

    def status(self, message_ids):
        params = {"api_id": self.secret, "sms_id": ",".join(message_ids), "json": 1}
        answer = self._json(self._request("GET", "/sms/status", params=params))
        if answer.get("status") != "OK":
            raise TransientError("status query refused: %s" % answer.get("status_code"))
        results = []
        for sms_id, one in (answer.get("sms") or {}).items():
            result = self._state(sms_id, one)
            if result:
                results.append(result)
        return results

    def balance(self):
        params = {"api_id": self.secret, "json": 1}
        answer = self._json(self._request("GET", "/my/balance", params=params))
        if answer.get("status") != "OK":
            raise TransientError("balance refused: %s" % answer.get("status_code"))
        return float(answer["balance"])

    def parse_report(self, params):
        # Callback: POST data[0..n] = "sms_status\n<sms_id>\n<status_code>\n<time>".
        results = []
        for key, value in params.items():
            if not key.startswith("data["):
                continue
            lines = (value or "").split("\n")
            if len(lines) < 3 or lines[0] != "sms_status":
                continue
            result = self._state(lines[1].strip(), {"status_code": lines[2].strip()})
            if result:
                results.append(result)
        if not results:
            raise ValueError("bad SMS.ru report")
        return results

    def report_answer(self):
        return "100"
