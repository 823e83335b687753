# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stand-in for the SMS.ru, SMSC.ru, SMS Aero and Twilio HTTP APIs.

One small HTTP server on 127.0.0.1 speaks the four documented protocols (only
what ``repair_sms`` uses: send, status, balance) so tests and demos need no
account and no network. It keeps every message it accepted, which is how tests
count duplicates.

Credentials it accepts: ``secret`` ``standin-key`` (and any login), for Twilio
Account SID ``ACstandin``. Magic numbers (last four digits):

- ``0000``: invalid number (a definitive error);
- ``0402``: no funds;
- ``0013``: accepted, then reported undelivered;
- anything else: accepted, then delivered.

The sender name ``NOTAPPROVED`` is refused as not approved by the provider.

Run by hand for a demo::

    python3 repair_sms/tests/standins/sms_gateways.py --port 8899

then set a gateway's endpoint to ``http://127.0.0.1:8899``. ``GET
/_standin/messages`` lists what it received; ``POST
/_standin/fail?count=N&kind=500|busy|slow`` makes the next N sends fail.

Twilio status callbacks: the stand-in posts them to each message's
``StatusCallback`` (``sent``, then ``delivered`` or ``undelivered``), signed
with ``X-Twilio-Signature`` exactly as Twilio does (HMAC-SHA1 keyed with the
Auth Token over the callback URL + the POST parameters sorted by name, as
name + value, base64). Run by hand they go out a second after the message;
tests post them with :meth:`SmsStandin.post_twilio_callbacks`.
"""

import argparse
import base64
import hashlib
import hmac
import itertools
import json
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlparse
from urllib.request import Request, urlopen

SECRET = "standin-key"
TWILIO_SID = "ACstandin"
UNAPPROVED = "NOTAPPROVED"


def twilio_signature(auth_token, url, params):
    """``X-Twilio-Signature`` of a request Twilio makes to ``url`` with the
    POST ``params`` (a dict), as Twilio documents it."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class StandinState:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.fail_count = 0
        self.fail_kind = "500"
        self.slow_seconds = 0.0
        self.balance = 1234.5
        # A process to kill right after the kill_after-th accepted message
        # (counted from when kill_pid is set), before the answer: a worker
        # that dies between acceptance and its commit.
        self.kill_pid = None
        self.kill_after = 1
        self._ids = itertools.count(1000)

    def reset(self):
        with self.lock:
            self.messages.clear()
            self.fail_count = 0
            self.slow_seconds = 0.0

    def take_failure(self):
        with self.lock:
            if self.fail_count > 0:
                self.fail_count -= 1
                return self.fail_kind
        return None

    def accept(self, provider, number, text, **extra):
        with self.lock:
            message = {
                "provider": provider,
                "id": str(next(self._ids)),
                "number": number,
                "text": text,
                **extra,
            }
            self.messages.append(message)
            if self.kill_pid:
                self.kill_after -= 1
                if self.kill_after <= 0:
                    os.kill(self.kill_pid, signal.SIGKILL)
                    self.kill_pid = None
                    self.kill_after = 1
            return message

    def find(self, message_id):
        with self.lock:
            for message in self.messages:
                if message["id"] == str(message_id):
                    return message
        return None

    @staticmethod
    def outcome(number):
        """'invalid', 'nofunds', 'undelivered' or 'delivered' by magic number."""
        return {"0000": "invalid", "0402": "nofunds", "0013": "undelivered"}.get(
            (number or "")[-4:], "delivered"
        )


class StandinHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs
    server_version = "SmsStandin/1.0"

    def setup(self):
        res = super().setup()
        # Answers go out whole: without this, Nagle's algorithm and delayed
        # ACKs add 40 ms to every keep-alive request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return res

    def log_message(self, format, *args):  # noqa: A002 quiet by default
        if self.server.verbose:
            return super().log_message(format, *args)
        return None

    # -- plumbing -----------------------------------------------------------
    def _params(self):
        url = urlparse(self.path)
        params = dict(parse_qsl(url.query))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if raw:
            if (self.headers.get("Content-Type") or "").startswith("application/json"):
                params.update(json.loads(raw))
            else:
                params.update(parse_qsl(raw.decode()))
        return url.path, params

    def _reply(self, status, payload, content_type="application/json"):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _basic_auth(self):
        header = self.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return None, None
        user, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
        return user, password

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def _dispatch(self):
        path, params = self._params()
        state = self.server.state
        if path.startswith("/_standin/"):
            return self._control(path, params)
        is_send = path in ("/sms/send", "/sys/send.php", "/v2/sms/send") or (
            path.endswith("/Messages.json")
        )
        if is_send:
            failure = state.take_failure()
            if failure == "500":
                return self._reply(503, {"error": "service unavailable"})
            if failure == "slow":
                time.sleep(state.slow_seconds or 3.0)
            if failure == "busy":
                return self._busy(path)
        for prefix, method in (
            ("/sms/", self._smsru),
            ("/my/balance", self._smsru),
            ("/sys/", self._smsc),
            ("/v2/", self._smsaero),
            ("/2010-04-01/", self._twilio),
        ):
            if path.startswith(prefix):
                return method(path, params)
        return self._reply(404, {"error": "not found"})

    def _control(self, path, params):
        state = self.server.state
        if path == "/_standin/messages":
            with state.lock:
                return self._reply(200, list(state.messages))
        if path == "/_standin/fail":
            with state.lock:
                state.fail_count = int(params.get("count", 1))
                state.fail_kind = params.get("kind", "500")
                state.slow_seconds = float(params.get("seconds", 3.0))
            return self._reply(200, {"ok": True})
        if path == "/_standin/reset":
            state.reset()
            return self._reply(200, {"ok": True})
        return self._reply(404, {"error": "not found"})

    def _busy(self, path):
        if path == "/sms/send":
            return self._reply(
                200, {"status": "ERROR", "status_code": 220, "status_text": "busy"}
            )
        if path.endswith("/Messages.json"):
            return self._reply(429, {"code": 20429, "message": "Too Many Requests"})
        return self._reply(503, {"error": "busy"})

    # -- SMS.ru -------------------------------------------------------------
    def _smsru(self, path, params):
        state = self.server.state
        if params.get("api_id") != SECRET:
            return self._reply(
                200, {"status": "ERROR", "status_code": 200, "status_text": "api_id"}
            )
        if path == "/my/balance":
            return self._reply(200, {"status": "OK", "balance": state.balance})
        if path == "/sms/status":
            sms = {}
            for sms_id in params.get("sms_id", "").split(","):
                message = state.find(sms_id)
                if not message:
                    sms[sms_id] = {"status": "ERROR", "status_code": -1}
                    continue
                code = 103 if state.outcome(message["number"]) == "delivered" else 106
                sms[sms_id] = {"status": "OK", "status_code": code}
            return self._reply(200, {"status": "OK", "status_code": 100, "sms": sms})
        number = params.get("to", "")
        outcome = state.outcome(number)
        if params.get("from") == UNAPPROVED:
            return self._reply(
                200,
                {"status": "ERROR", "status_code": 204, "status_text": "sender"},
            )
        if outcome == "nofunds":
            return self._reply(
                200, {"status": "ERROR", "status_code": 201, "status_text": "no funds"}
            )
        if outcome == "invalid":
            answer = {"status": "ERROR", "status_code": 202, "status_text": "bad to"}
            return self._reply(
                200,
                {"status": "OK", "status_code": 100, "sms": {number: answer}},
            )
        message = state.accept(
            "smsru", number, params.get("msg", ""), sender=params.get("from")
        )
        return self._reply(
            200,
            {
                "status": "OK",
                "status_code": 100,
                "sms": {
                    number: {
                        "status": "OK",
                        "status_code": 100,
                        "sms_id": message["id"],
                    }
                },
                "balance": state.balance,
            },
        )

    # -- SMSC.ru ------------------------------------------------------------
    def _smsc(self, path, params):
        state = self.server.state
        if params.get("psw") != SECRET:
            return self._reply(200, {"error": "authorise error", "error_code": 2})
        if path == "/sys/balance.php":
            return self._reply(200, {"balance": "%.2f" % state.balance})
        if path == "/sys/status.php":
            message = state.find(params.get("id"))
            if not message:
                return self._reply(200, {"error": "not found", "error_code": 5})
            ok = state.outcome(message["number"]) == "delivered"
            return self._reply(
                200, {"status": 1 if ok else 20, "err": 0 if ok else 1, "id": 1}
            )
        number = params.get("phones", "")
        outcome = state.outcome(number)
        if params.get("sender") == UNAPPROVED:
            return self._reply(200, {"error": "denied sender", "error_code": 6})
        if outcome == "nofunds":
            return self._reply(200, {"error": "no money", "error_code": 3})
        if outcome == "invalid":
            return self._reply(200, {"error": "invalid number", "error_code": 7})
        message = state.accept(
            "smsc", number, params.get("mes", ""), sender=params.get("sender")
        )
        return self._reply(200, {"id": int(message["id"]), "cnt": 1})

    # -- SMS Aero -----------------------------------------------------------
    def _smsaero(self, path, params):
        state = self.server.state
        _user, key = self._basic_auth()
        if key != SECRET:
            return self._reply(
                401, {"success": False, "data": None, "message": "Unauthorized"}
            )
        if path == "/v2/balance":
            return self._reply(
                200, {"success": True, "data": {"balance": state.balance}}
            )
        if path == "/v2/sms/status":
            message = state.find(params.get("id"))
            if not message:
                return self._reply(
                    404, {"success": False, "data": None, "message": "not found"}
                )
            ok = state.outcome(message["number"]) == "delivered"
            data = {
                "id": int(message["id"]),
                "status": 1 if ok else 2,
                "extendStatus": "delivery success" if ok else "delivery failure",
            }
            return self._reply(200, {"success": True, "data": data})
        number = str(params.get("number", ""))
        outcome = state.outcome(number)
        if params.get("sign") == UNAPPROVED:
            return self._reply(
                400, {"success": False, "data": None, "message": "Sign not approved"}
            )
        if outcome == "nofunds":
            return self._reply(
                400, {"success": False, "data": None, "message": "Not enough money"}
            )
        if outcome == "invalid":
            return self._reply(
                400, {"success": False, "data": None, "message": "Invalid number"}
            )
        message = state.accept(
            "smsaero",
            number,
            params.get("text", ""),
            sender=params.get("sign"),
            callback=params.get("callbackUrl"),
        )
        data = {"id": int(message["id"]), "status": 0, "extendStatus": "queue"}
        return self._reply(200, {"success": True, "data": data, "message": None})

    # -- Twilio -------------------------------------------------------------
    def _twilio(self, path, params):
        state = self.server.state
        sid, token = self._basic_auth()
        if sid != TWILIO_SID or token != SECRET or f"/Accounts/{sid}/" not in path:
            return self._reply(
                401, {"code": 20003, "message": "Authenticate", "status": 401}
            )
        if path.endswith("/Balance.json"):
            return self._reply(
                200, {"balance": "%.2f" % state.balance, "currency": "USD"}
            )
        if "/Messages/" in path:
            message = state.find(path.rsplit("/", 1)[1][: -len(".json")])
            if not message:
                return self._reply(404, {"code": 20404, "message": "not found"})
            ok = state.outcome(message["number"]) == "delivered"
            return self._reply(
                200,
                {
                    "sid": message["id"],
                    "status": "delivered" if ok else "undelivered",
                    "error_code": None if ok else 30005,
                },
            )
        number = params.get("To", "")
        outcome = state.outcome(number)
        if params.get("From") == UNAPPROVED:
            return self._reply(
                400, {"code": 21606, "message": "Invalid 'From'", "status": 400}
            )
        if outcome == "nofunds":
            return self._reply(
                400, {"code": 20005, "message": "Account not active", "status": 400}
            )
        if outcome == "invalid":
            return self._reply(
                400, {"code": 21211, "message": "Invalid 'To'", "status": 400}
            )
        message = state.accept(
            "twilio",
            number,
            params.get("Body", ""),
            sender=params.get("From") or params.get("MessagingServiceSid"),
            callback=params.get("StatusCallback"),
        )
        self._reply(201, {"sid": message["id"], "status": "queued"})
        if self.server.auto_callbacks and message["callback"]:
            threading.Timer(
                1.0, post_twilio_callbacks, [state, [message]], {"quiet": True}
            ).start()
        return None


def twilio_callback_params(message, status):
    """The form Twilio posts to a message's StatusCallback."""
    params = {
        "AccountSid": TWILIO_SID,
        "ApiVersion": "2010-04-01",
        "From": message.get("sender") or "",
        "MessageSid": message["id"],
        "MessageStatus": status,
        "SmsSid": message["id"],
        "SmsStatus": status,
        "To": message["number"],
    }
    if status in ("undelivered", "failed"):
        params["ErrorCode"] = "30005"
    return params


def post_twilio_callbacks(state, messages=None, auth_token=SECRET, quiet=False):
    """Post the status callbacks of Twilio ``messages`` (default: all the
    stand-in took): ``sent``, then ``delivered`` or ``undelivered``, each
    signed with ``auth_token``. Returns the HTTP status codes."""
    if messages is None:
        with state.lock:
            messages = [m for m in state.messages if m["provider"] == "twilio"]
    codes = []
    for message in messages:
        if not message.get("callback"):
            continue
        final = (
            "delivered"
            if state.outcome(message["number"]) == "delivered"
            else "undelivered"
        )
        for status in ("sent", final):
            params = twilio_callback_params(message, status)
            request = Request(
                message["callback"],
                data=urlencode(params).encode(),
                headers={
                    "X-Twilio-Signature": twilio_signature(
                        auth_token, message["callback"], params
                    ),
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                method="POST",
            )
            try:
                with urlopen(request, timeout=10) as response:  # noqa: S310
                    codes.append(response.status)
            except OSError as exc:
                codes.append(getattr(exc, "code", None))
                if not quiet:
                    raise
    return codes


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up waiting (timeouts are tested) is no error.
        pass


class SmsStandin:
    """The stand-in in a thread, on a free port of 127.0.0.1."""

    def __init__(self, port=0, verbose=False, auto_callbacks=False):
        self.state = StandinState()
        self.server = StandinServer(("127.0.0.1", port), StandinHandler)
        self.server.state = self.state
        self.server.verbose = verbose
        self.server.auto_callbacks = auto_callbacks
        self.thread = None

    @property
    def url(self):
        return "http://127.0.0.1:%s" % self.server.server_address[1]

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def post_twilio_callbacks(self, messages=None, auth_token=SECRET):
        """Post the signed Twilio status callbacks now, from this thread."""
        return post_twilio_callbacks(self.state, messages, auth_token)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument("--quiet", action="store_true", help="no request log")
    args = parser.parse_args()
    standin = SmsStandin(port=args.port, verbose=not args.quiet, auto_callbacks=True)
    sys.stdout.write("SMS stand-in on %s (secret %r)\n" % (standin.url, SECRET))
    sys.stdout.flush()
    try:
        standin.server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write("stopped\n")
    finally:
        standin.server.server_close()


if __name__ == "__main__":
    main()
