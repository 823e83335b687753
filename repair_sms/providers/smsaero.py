# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SMS Aero v2 (https://smsaero.ru/integration/documentation/api/).

``account`` is the account's e-mail, ``secret`` its API key (HTTP basic auth);
``sender`` is the approved signature (``sign``).
"""

from .base import SendResult, SmsProvider, StatusResult, TransientError, register

STATUS = {
    0: ("pending", ""),
    3: ("pending", ""),
    4: ("pending", ""),
    8: ("pending", ""),
    1: ("sent", ""),
    2: ("error", "sms_not_delivered"),
    6: ("error", "sms_rejected"),
}


@register
class SmsAeroProvider(SmsProvider):
    code = "smsaero"
    label = "SMS Aero"
    default_endpoint = "https://gate.smsaero.ru"
    has_status_api = True
    has_balance = True

    def _post(self, path, payload):
        response = self._request(
            "POST", path, json=payload, auth=(self.account, self.secret)
        )
        return response, self._json(response)

    @staticmethod
    def _failure(status_code, message):
        text = (message or "").lower()
        if status_code == 401:
            return "sms_acc"
        if "money" in text or "balance" in text or "funds" in text:
            return "sms_credit"
        if "sign" in text:
            return "sms_registration_needed"
        if "number" in text or "phone" in text:
            return "sms_number_format"
        return "unknown"

    def _send_one(self, message):
        payload = {
            "number": self.digits(message["number"]),
            "text": message["body"],
            "sign": self.sender,
        }
        if message.get("dlr_url"):
            payload["callbackUrl"] = message["dlr_url"]
        response, answer = self._post("/v2/sms/send", payload)
        if not answer.get("success"):
            reason = answer.get("message") or "HTTP %s" % response.status_code
            return SendResult(
                message["uuid"],
                "error",
                failure_type=self._failure(response.status_code, reason),
                reason=reason,
            )
        return SendResult(
            message["uuid"], "pending", message_id=str(answer["data"]["id"])
        )

    def _state(self, data):
        status = int(data.get("status", -1))
        if status not in STATUS:
            return None
        state, failure = STATUS[status]
        reason = data.get("extendStatus") or "" if failure else ""
        return StatusResult(str(data["id"]), state, failure, reason)

    def status(self, message_ids):
        results = []
        for sms_id in message_ids:
            _response, answer = self._post("/v2/sms/status", {"id": int(sms_id)})
            if answer.get("success") and answer.get("data"):
                result = self._state(answer["data"])
                if result:
                    results.append(result)
        return results

    def balance(self):
        response = self._request("GET", "/v2/balance", auth=(self.account, self.secret))
        answer = self._json(response)
        if not answer.get("success"):
            raise TransientError("balance refused: %s" % answer.get("message"))
        return float(answer["data"]["balance"])

    def parse_report(self, params):
        try:
            result = self._state({"id": int(params["id"]), **params})
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError("bad SMS Aero report") from exc
        if not result:
            raise ValueError("unknown SMS Aero status")
        return [result]
