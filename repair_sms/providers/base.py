# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One small interface for every SMS gateway.

A provider is a plain class: it turns queued messages into HTTP requests to its
gateway and the gateway's answers into states in Odoo's ``sms.sms`` vocabulary.
It never touches the database. A new gateway is one file here that subclasses
:class:`SmsProvider` and is decorated with :func:`register`.

States a provider reports:

- ``pending``: the gateway accepted the message (Odoo's "Sent");
- ``sent``: delivered to the phone (Odoo's "Delivered");
- ``error``: definitive failure, with an Odoo ``failure_type`` and a reason;
- ``retry``: transient failure (gateway down, 5xx, "try later"); nothing was
  accepted, so sending again later cannot produce a duplicate.
"""

import logging
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

_logger = logging.getLogger(__name__)

PROVIDERS = {}

# Odoo's "In Queue" < "Sent" < "Delivered"/"Error": a report never moves a
# message backwards (delivery reports can arrive in any order).
STATE_RANK = {"outgoing": 0, "process": 1, "pending": 2, "sent": 3, "error": 3}


def register(cls):
    PROVIDERS[cls.code] = cls
    return cls


def get_provider(code):
    return PROVIDERS[code]


def new_session(endpoint=""):
    """A keep-alive session for one gateway endpoint.

    The process's proxy and CA settings (``HTTPS_PROXY``, ``NO_PROXY``,
    ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``) are read once, here: with
    ``trust_env`` requests reads the whole environment again on every
    request (a tenth of a millisecond, a tenth of a local gateway's answer).
    No ``.netrc``: a gateway's credentials are on its record.
    """
    session = requests.Session()
    if endpoint:
        session.proxies.update(requests.utils.get_environ_proxies(endpoint))
    verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if verify:
        session.verify = verify
    session.trust_env = False
    return session


@dataclass
class SendResult:
    uuid: str
    state: str
    message_id: str = ""
    failure_type: str = ""
    reason: str = ""


@dataclass
class StatusResult:
    """A delivery state of one message, from a callback or a status query.

    ``key`` is the provider's message id, or our uuid for gateways whose
    callback URL carries it (``by_uuid``).
    """

    key: str
    state: str
    failure_type: str = ""
    reason: str = ""
    by_uuid: bool = False


class TransientError(Exception):
    """The gateway could not take the request now; nothing was accepted."""


class AmbiguousError(Exception):
    """The request left but no answer came back: it may have been accepted."""


class SmsProvider:
    code = ""
    label = ""
    default_endpoint = ""
    # True when the gateway de-duplicates on a key we send (our uuid), so a
    # message whose fate is unknown can safely be sent again.
    idempotent = False
    has_status_api = False
    has_balance = False

    def __init__(
        self, endpoint="", account="", secret="", sender="", timeout=10.0, session=None
    ):
        self.endpoint = (endpoint or self.default_endpoint).rstrip("/")
        self.account = account or ""
        self.secret = secret or ""
        self.sender = sender or ""
        self.timeout = timeout or 10.0
        self.session = session or new_session(self.endpoint)

    # -- HTTP ---------------------------------------------------------------
    def _request(self, method, path, **kwargs):
        """One HTTP request; gateway trouble becomes Transient/AmbiguousError.

        Credentials travel in the request only; nothing here logs them.
        """
        url = path if path.startswith("http") else f"{self.endpoint}{path}"
        kwargs.setdefault("timeout", (min(self.timeout, 5.0), self.timeout))
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.ReadTimeout as exc:
            raise AmbiguousError("no answer within %ss" % self.timeout) from exc
        except requests.ConnectionError as exc:
            # Refused, reset before sending, DNS, connect timeout: not accepted.
            raise TransientError(
                "gateway unreachable at %s: %s" % (self._host(), type(exc).__name__)
            ) from exc
        if response.status_code >= 500:
            raise TransientError("gateway answered HTTP %s" % response.status_code)
        return response

    def _host(self):
        """scheme://host:port of the endpoint: safe for a log or a reason
        (no user:password@, no path, no query)."""
        parts = urlsplit(self.endpoint)
        port = ":%s" % parts.port if parts.port else ""
        return "%s://%s%s" % (parts.scheme, parts.hostname or "", port)

    @staticmethod
    def _json(response):
        try:
            return response.json()
        except ValueError as exc:
            raise TransientError(
                "gateway answered HTTP %s without JSON" % response.status_code
            ) from exc

    # -- sending ------------------------------------------------------------
    def send(self, messages, journal=None):
        """Send ``messages`` (dicts: uuid, number, body, dlr_url).

        Returns one :class:`SendResult` per message handed to the gateway. A
        failure of the gateway as a whole becomes ``retry`` for the messages
        not yet sent; a lost answer is ``error`` unless the gateway is
        idempotent.

        ``journal`` (optional) makes a batch survive a crash of the sender:
        ``journal.hand(uuids, upcoming)`` is called right before the request
        that carries those messages and returns the uuids that may still go
        (the others were taken back: skip them); ``upcoming`` names the
        messages of the next request, which the journal may hand off while
        this one is in flight; ``journal.answered(results)`` right after the
        answer. A provider that sends several messages in one request
        overrides this method and hands the whole request at once: it is
        then the unit in flight.
        """
        results = []
        for index, message in enumerate(messages):
            if journal is not None:
                upcoming = (
                    [messages[index + 1]["uuid"]] if index + 1 < len(messages) else None
                )
                if not journal.hand([message["uuid"]], upcoming):
                    continue
            result = self._send_guarded(message)
            results.append(result)
            if journal is not None:
                journal.answered([result])
        return results

    def _send_guarded(self, message):
        """One message; gateway trouble becomes its :class:`SendResult`."""
        try:
            return self._send_one(message)
        except TransientError as exc:
            return SendResult(message["uuid"], "retry", reason=str(exc))
        except AmbiguousError as exc:
            if self.idempotent:
                return SendResult(message["uuid"], "retry", reason=str(exc))
            return SendResult(
                message["uuid"],
                "error",
                failure_type="sms_server",
                reason="%s; not sent again to avoid a duplicate" % exc,
            )

    def _send_one(self, message):
        raise NotImplementedError

    def status(self, message_ids):
        """Delivery states of accepted messages, as :class:`StatusResult`."""
        return []

    def balance(self):
        """Account balance when the gateway reports one, else ``None``."""
        return None

    def parse_report(self, params):
        """Parse a delivery-report callback into :class:`StatusResult` rows.

        Raises ``ValueError`` on a malformed report.
        """
        raise ValueError("this gateway sends no delivery reports")

    @staticmethod
    def digits(number):
        """The number as digits only (79161234567), as most gateways want it."""
        return re.sub(r"\D", "", number or "")

    def verify_report(self, urls, form, headers):
        """Whether a delivery report really comes from the gateway.

        Called after the secret token of the callback URL matched. ``urls``:
        the callback URL as the gateway may have been given it (first the one
        built from ``web.base.url``, then the one this server saw); ``form``:
        the POST parameters as (name, value) pairs; ``headers``: the request's
        headers. Gateways that sign their callbacks check the signature here;
        the others have only the token.
        """
        return True

    def report_answer(self):
        """Body the gateway expects in answer to its callback."""
        return "OK"
