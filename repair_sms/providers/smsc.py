# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SMSC.ru (https://smsc.ru/api/http/): ``account`` login, ``secret`` password.

SMSC identifies a message by its id *and* phone, so the message id we keep is
``<id>|<phone>``.
"""

from .base import SendResult, SmsProvider, StatusResult, TransientError, register

SEND_ERRORS = {
    1: "unknown",
    2: "sms_acc",
    3: "sms_credit",
    4: "sms_acc",
    5: "unknown",
    6: "sms_not_allowed",
    7: "sms_number_format",
    8: "sms_invalid_destination",
    9: "sms_duplicate",
}
STATUS = {
    -1: ("pending", ""),
    0: ("pending", ""),
    1: ("sent", ""),
    2: ("sent", ""),
    4: ("sent", ""),
    3: ("error", "sms_expired"),
    20: ("error", "sms_not_delivered"),
    22: ("error", "sms_invalid_destination"),
    23: ("error", "sms_not_allowed"),
    24: ("error", "sms_credit"),
    25: ("error", "sms_invalid_destination"),
}


@register
class SmscProvider(SmsProvider):
    code = "smsc"
    label = "SMSC.ru"
    default_endpoint = "https://smsc.ru"
    has_status_api = True
    has_balance = True

    def _auth(self):
        return {"login": self.account, "psw": self.secret, "fmt": 3}

    def _send_one(self, message):
        phone = self.digits(message["number"])
        data = dict(self._auth(), phones=phone, mes=message["body"], charset="utf-8")
        if self.sender:
            data["sender"] = self.sender
        answer = self._json(self._request("POST", "/sys/send.php", data=data))
        if "error_code" in answer or "error" in answer:
            code = int(answer.get("error_code") or 0)
            return SendResult(
                message["uuid"],
                "error",
                failure_type=SEND_ERRORS.get(code, "unknown"),
                reason="%s %s" % (code, answer.get("error") or ""),
            )
        return SendResult(
            message["uuid"], "pending", message_id="%s|%s" % (answer["id"], phone)
        )

    def _state(self, key, status, err=""):
        status = int(status)
        if status not in STATUS:
            return None
        state, failure = STATUS[status]
        reason = "%s %s" % (status, err or "") if failure else ""
        return StatusResult(key, state, failure, reason.strip())

    def status(self, message_ids):
        results = []
        for key in message_ids:
            sms_id, _sep, phone = key.partition("|")
            params = dict(self._auth(), id=sms_id, phone=phone)
            answer = self._json(self._request("GET", "/sys/status.php", params=params))
            if "error_code" in answer:
                continue
            result = self._state(key, answer.get("status", -1), answer.get("err"))
            if result:
                results.append(result)
        return results

    def balance(self):
        answer = self._json(
            self._request("GET", "/sys/balance.php", params=self._auth())
        )
        if "balance" not in answer:
            raise TransientError("balance refused: %s" % answer.get("error_code"))
        return float(answer["balance"])

    def parse_report(self, params):
        try:
            key = "%s|%s" % (int(params["id"]), self.digits(params["phone"]))
            result = self._state(key, params["status"], params.get("err"))
        except (KeyError, ValueError) as exc:
            raise ValueError("bad SMSC.ru report") from exc
        if not result:
            raise ValueError("unknown SMSC.ru status")
        return [result]
