#!/usr/bin/env python3
"""Stand-in for the PBX providers' click-to-call APIs (Mango commands/callback,
Zadarma /v1/request/callback/, Twilio Calls.json, Asterisk ARI POST /ari/channels).

It answers every request the way the provider does on success and remembers
it, so tests can check what Odoo sent. Usable by hand: run it, then set the
PBX connection's *API URL* to http://127.0.0.1:<port>:

    python3 repair_call_center/tools/pbx_api_standin.py --port 8999

``fail=True`` (or ``--fail``) answers 500 to everything. ``ari_auth=(user,
password)`` (or ``--ari-user/--ari-password``) makes ARI answer 401 to other
credentials, as Asterisk does.
"""

import argparse
import base64
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Handler(BaseHTTPRequestHandler):
    def _answer(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        record = {
            "method": self.command,
            "path": url.path,
            "query": {k: v[0] for k, v in parse_qs(url.query).items()},
            "form": {k: v[0] for k, v in parse_qs(body).items()},
            "headers": dict(self.headers),
        }
        self.server.requests.append(record)
        if self.server.fail:
            status, answer = 500, {"error": "stand-in told to fail"}
        elif url.path.endswith("/commands/callback"):
            status, answer = 200, {"result": 1000}
        elif url.path.startswith("/v1/request/callback"):
            status, answer = 200, {"status": "success", "from": 101, "to": 0}
        elif url.path.endswith("/Calls.json"):
            status, answer = 201, {"sid": "CA" + "0" * 32, "status": "queued"}
        elif url.path == "/ari/channels" and self.command == "POST":
            status, answer = self._ari_originate(record["query"])
        else:
            status, answer = 404, {"error": "unknown path"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _ari_originate(self, query):
        """ARI's answers to POST /channels: 401 without the ARI user's basic
        auth, 400 without endpoint, 200 with the new channel."""
        expected = self.server.ari_auth
        if expected:
            token = base64.b64encode(":".join(expected).encode()).decode()
            if self.headers.get("Authorization") != f"Basic {token}":
                return 401, {"message": "Authentication required"}
        if not query.get("endpoint"):
            return 400, {"message": "Endpoint must be specified"}
        channel_id = query.get("channelId") or "1700000000.1"
        return 200, {
            "id": channel_id,
            "name": query["endpoint"] + "-00000001",
            "state": "Down",
            "caller": {"name": "", "number": query.get("callerId", "")},
            "connected": {"name": "", "number": ""},
            "dialplan": {
                "context": query.get("context", ""),
                "exten": query.get("extension", ""),
                "priority": int(query.get("priority") or 1),
            },
            "language": "en",
        }

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler API)
        if self.server.verbose:
            sys.stderr.write("pbx-api-standin: " + format % args + "\n")


class PbxApiStandin:
    """Run the stand-in in a thread on an ephemeral port of 127.0.0.1."""

    def __init__(self, port=0, fail=False, verbose=False, ari_auth=None):
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.server.requests = []
        self.server.ari_auth = ari_auth
        self.server.fail = fail
        self.server.verbose = verbose
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def requests(self):
        return self.server.requests

    def set_fail(self, fail):
        self.server.fail = fail

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8999)
    parser.add_argument("--fail", action="store_true")
    parser.add_argument("--ari-user", help="ARI answers 401 to other credentials")
    parser.add_argument("--ari-password", default="")
    args = parser.parse_args(argv)
    ari_auth = (args.ari_user, args.ari_password) if args.ari_user else None
    standin = PbxApiStandin(args.port, fail=args.fail, verbose=True, ari_auth=ari_auth)
    sys.stderr.write(f"pbx-api-standin on {standin.url}\n")
    try:
        standin.server.serve_forever()
    except KeyboardInterrupt:
        sys.stderr.write("pbx-api-standin: stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
