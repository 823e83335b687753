"""Client of the repair service center's card-terminal HTTP bridge.

The bridge runs on the till's computer next to the terminal's own program
(``sb_pilot``, Arcus2…) and speaks JSON over HTTP. Every call is a ``POST`` to
``<base_url>/v1/<operation>``; ``Authorization: Bearer <secret>`` when a secret
is configured. See the addon's readme for the protocol.

Only allow-listed keys are sent and kept from the answers; a card number is
never kept unmasked.
"""

import logging
import re

import requests

_logger = logging.getLogger(__name__)

# What may be sent for each operation, and nothing else.
REQUEST_KEYS = {
    "sale": ("amount_minor", "currency", "order_ref", "ecr_txn_id"),
    "status": ("ecr_txn_id",),
    "cancel": ("ecr_txn_id",),
    "refund": ("amount_minor", "currency", "rrn", "ecr_txn_id"),
    "void": ("rrn", "ecr_txn_id"),
    "settlement": (),
}
# What is kept from an answer.
RESPONSE_KEYS = (
    "status",
    "approved",
    "response_code",
    "rrn",
    "auth_code",
    "masked_pan",
    "brand",
    "terminal_id",
    "ecr_txn_id",
    "amount_minor",
    "slip_lines",
)
STATUSES = ("approved", "declined", "pending", "cancelled", "not_found")
SETTLEMENT_KEYS = ("terminal_id", "count", "total_minor", "transactions")
SETTLEMENT_TXN_KEYS = ("ecr_txn_id", "rrn", "type", "amount_minor")

_RRN = re.compile(r"^\d{12}$")
_AUTH = re.compile(r"^[0-9A-Za-z]{6}$")
_CODE = re.compile(r"^[0-9A-Za-z]{2,3}$")
_DIGITS = re.compile(r"\d")
_TXN = re.compile(r"^[0-9A-Za-z_.:-]{1,64}$")


class TerminalBridgeError(Exception):
    """The bridge could not be reached or answered nonsense."""


class TerminalBridgeTimeout(TerminalBridgeError):
    """The bridge did not answer in time: the outcome is unknown."""


_MASKED = re.compile(r"^(\d{6})?[\s*Xx•]{2,}(\d{4})$")


def mask_pan(value):
    """``220220******1234`` from whatever the terminal sent, never more."""
    masked = _MASKED.match((value or "").strip())
    if masked:
        return (masked.group(1) or "") + "*" * 6 + masked.group(2)
    digits = "".join(_DIGITS.findall(value or ""))
    if not digits:
        return ""
    if len(digits) <= 4:
        return "*" * 12 + digits[-4:]
    head = digits[:6] if len(digits) >= 13 else ""
    return head + "*" * 6 + digits[-4:]


def valid_ecr_txn_id(value):
    return isinstance(value, str) and bool(_TXN.match(value))


class TerminalBridge:
    """One terminal behind one bridge URL."""

    def __init__(self, base_url, secret=None, timeout=30.0, session=None):
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise TerminalBridgeError("The terminal URL must start with http(s)://")
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout = float(timeout)
        self.session = session or requests

    # -- transport ----------------------------------------------------------
    def _call(self, operation, **payload):
        allowed = REQUEST_KEYS[operation]
        body = {key: payload[key] for key in allowed if payload.get(key) is not None}
        headers = {"Content-Type": "application/json"}
        if self.secret:
            headers["Authorization"] = f"Bearer {self.secret}"
        url = f"{self.base_url}/v1/{operation}"
        try:
            response = self.session.post(
                url, json=body, headers=headers, timeout=self.timeout
            )
        except requests.Timeout as error:
            _logger.warning(
                "Terminal bridge %s: %s timed out", self.base_url, operation
            )
            raise TerminalBridgeTimeout(str(error)) from error
        except requests.RequestException as error:
            _logger.warning(
                "Terminal bridge %s: %s failed: %s",
                self.base_url,
                operation,
                type(error).__name__,
            )
            raise TerminalBridgeError(str(error)) from error
        if response.status_code == 401:
            raise TerminalBridgeError("The terminal refused the secret (HTTP 401).")
        if response.status_code >= 400:
            raise TerminalBridgeError(
                f"The terminal answered HTTP {response.status_code}."
            )
        try:
            data = response.json()
        except ValueError as error:
            raise TerminalBridgeError(
                "The terminal answered something not JSON."
            ) from error
        if not isinstance(data, dict):
            raise TerminalBridgeError(
                "The terminal answered something not a JSON object."
            )
        return data

    @staticmethod
    def _clean(data):
        """Keep allow-listed keys of a transaction answer, checked and masked."""
        result = {key: data[key] for key in RESPONSE_KEYS if key in data}
        status = result.get("status")
        if status not in STATUSES:
            status = "approved" if result.get("approved") is True else "declined"
        result["status"] = status
        result["approved"] = status == "approved"
        for key, pattern in (
            ("rrn", _RRN),
            ("auth_code", _AUTH),
            ("response_code", _CODE),
        ):
            value = result.get(key)
            if value is not None and not (
                isinstance(value, str) and pattern.match(value)
            ):
                raise TerminalBridgeError(f"The terminal sent an invalid {key}.")
        if result["approved"] and not result.get("rrn"):
            raise TerminalBridgeError("The terminal approved without an RRN.")
        result["masked_pan"] = mask_pan(result.get("masked_pan"))
        for key in ("brand", "terminal_id"):
            result[key] = str(result.get(key) or "")[:32]
        lines = result.get("slip_lines") or []
        if not isinstance(lines, list):
            lines = []
        # A slip line never carries a full card number.
        result["slip_lines"] = [
            re.sub(r"\d{13,19}", lambda m: mask_pan(m.group(0)), str(line))[:80]
            for line in lines[:60]
        ]
        if "amount_minor" in result and not isinstance(result["amount_minor"], int):
            raise TerminalBridgeError("The terminal sent an invalid amount.")
        return result

    # -- operations ---------------------------------------------------------
    def sale(self, amount_minor, ecr_txn_id, order_ref="", currency="643"):
        return self._clean(
            self._call(
                "sale",
                amount_minor=int(amount_minor),
                currency=currency,
                order_ref=order_ref[:64],
                ecr_txn_id=ecr_txn_id,
            )
        )

    def status(self, ecr_txn_id):
        return self._clean(self._call("status", ecr_txn_id=ecr_txn_id))

    def cancel(self, ecr_txn_id):
        return self._clean(self._call("cancel", ecr_txn_id=ecr_txn_id))

    def refund(self, amount_minor, rrn, ecr_txn_id, currency="643"):
        return self._clean(
            self._call(
                "refund",
                amount_minor=int(amount_minor),
                rrn=rrn,
                ecr_txn_id=ecr_txn_id,
                currency=currency,
            )
        )

    def void(self, rrn, ecr_txn_id):
        return self._clean(self._call("void", rrn=rrn, ecr_txn_id=ecr_txn_id))

    def settlement(self):
        data = self._call("settlement")
        result = {key: data.get(key) for key in SETTLEMENT_KEYS}
        transactions = []
        for txn in data.get("transactions") or []:
            if not isinstance(txn, dict):
                raise TerminalBridgeError("The terminal sent an invalid settlement.")
            row = {key: txn.get(key) for key in SETTLEMENT_TXN_KEYS}
            if not isinstance(row["amount_minor"], int) or row["type"] not in (
                "sale",
                "refund",
                "void",
            ):
                raise TerminalBridgeError("The terminal sent an invalid settlement.")
            transactions.append(row)
        result["transactions"] = transactions
        if not isinstance(result["total_minor"], int):
            raise TerminalBridgeError("The terminal sent an invalid settlement total.")
        result["terminal_id"] = str(result.get("terminal_id") or "")[:32]
        return result
