"""Stand-in card terminal speaking the repair service center's HTTP bridge.

Usable by hand for a demo::

    python3 repair_pos_terminal/tests/standins/terminal.py --port 8899

then set the payment method's terminal URL to ``http://127.0.0.1:8899``.

It behaves deterministically by the kopecks of the amount, so every branch of
the integration can be reached:

* ``…05`` declines (response code ``05``);
* ``…08`` approves but answers the sale only after ``--delay`` seconds (the
  caller times out; the status call later says approved);
* ``…09`` approves late: the sale answers ``pending``, the first
  ``--late-polls`` status calls too, then ``approved``;
* anything else approves at once.

The same ``ecr_txn_id`` replayed returns the first answer. Refund and void
work by RRN; ``settlement`` reports and closes the batch. No real card data
is ever involved: card numbers are made up and masked.
"""

import argparse
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_logger = logging.getLogger("standin_terminal")


class TerminalState:
    def __init__(self, terminal_id="00012345", secret=None, delay=3.0, late_polls=1):
        self.terminal_id = terminal_id
        self.secret = secret
        self.delay = delay
        self.late_polls = late_polls
        self.lock = threading.Lock()
        self.transactions = {}  # ecr_txn_id -> answer
        self.polls = {}  # ecr_txn_id -> status calls left before approval
        self.batch = []  # settled rows of the open batch
        self.counter = 0
        self.seed = int(time.time()) % 1000000
        self.requests = []  # (operation, body) as received, for tests

    def _next(self):
        self.counter += 1
        return self.counter

    def _approved(self, body, kind):
        number = self._next()
        last4 = f"{(number * 37) % 10000:04d}"
        return {
            "status": "approved",
            "approved": True,
            "response_code": "00",
            "rrn": f"{self.seed:06d}{number:06d}",
            "auth_code": f"A{number:05d}",
            "masked_pan": f"220220******{last4}",
            "brand": "MIR",
            "terminal_id": self.terminal_id,
            "ecr_txn_id": body["ecr_txn_id"],
            "amount_minor": body["amount_minor"],
            "slip_lines": [
                "ОДОБРЕНО" if kind == "sale" else "ВОЗВРАТ ОДОБРЕН",
                f"TERMINAL {self.terminal_id}",
                f"CARD 220220******{last4}",
                f"RRN {self.seed:06d}{number:06d}",
            ],
        }

    def _declined(self, body, code):
        return {
            "status": "declined",
            "approved": False,
            "response_code": code,
            "terminal_id": self.terminal_id,
            "ecr_txn_id": body["ecr_txn_id"],
            "amount_minor": body["amount_minor"],
            "slip_lines": ["ОТКАЗ", f"CODE {code}"],
        }

    def _book(self, answer, kind):
        if answer.get("status") == "approved":
            sign = 1 if kind == "sale" else -1
            self.batch.append(
                {
                    "ecr_txn_id": answer["ecr_txn_id"],
                    "rrn": answer["rrn"],
                    "type": kind,
                    "amount_minor": sign * answer["amount_minor"],
                }
            )

    # -- operations ---------------------------------------------------------
    def sale(self, body):
        """Return (answer, seconds to wait before answering)."""
        txn_id = body["ecr_txn_id"]
        with self.lock:
            if txn_id in self.transactions:
                return self._public(txn_id), 0
            kopecks = body["amount_minor"] % 100
            if body["amount_minor"] <= 0:
                answer = self._declined(body, "13")
            elif kopecks == 5:
                answer = self._declined(body, "05")
            elif kopecks == 9:
                answer = self._approved(body, "sale")
                self.polls[txn_id] = self.late_polls
            else:
                answer = self._approved(body, "sale")
            self.transactions[txn_id] = answer
            if kopecks != 9:
                self._book(answer, "sale")
            return self._public(txn_id), (self.delay if kopecks == 8 else 0)

    def _public(self, txn_id):
        answer = self.transactions[txn_id]
        if self.polls.get(txn_id, 0) > 0:
            return {
                "status": "pending",
                "approved": False,
                "terminal_id": self.terminal_id,
                "ecr_txn_id": txn_id,
            }
        return dict(answer)

    def status(self, body):
        txn_id = body["ecr_txn_id"]
        with self.lock:
            if txn_id not in self.transactions:
                return {"status": "not_found", "approved": False, "ecr_txn_id": txn_id}
            left = self.polls.get(txn_id, 0)
            if left > 0:
                answer = self._public(txn_id)
                self.polls[txn_id] = left - 1
                return answer
            if txn_id in self.polls:
                del self.polls[txn_id]
                self._book(self.transactions[txn_id], "sale")
            return self._public(txn_id)

    def cancel(self, body):
        txn_id = body["ecr_txn_id"]
        with self.lock:
            if self.polls.get(txn_id, 0) > 0:
                del self.polls[txn_id]
                self.transactions[txn_id] = {
                    "status": "cancelled",
                    "approved": False,
                    "response_code": "17",
                    "terminal_id": self.terminal_id,
                    "ecr_txn_id": txn_id,
                }
            if txn_id not in self.transactions:
                return {"status": "not_found", "approved": False, "ecr_txn_id": txn_id}
            return self._public(txn_id)

    def refund(self, body, kind="refund"):
        txn_id = body["ecr_txn_id"]
        with self.lock:
            if txn_id in self.transactions:
                return self._public(txn_id)
            original = next(
                (
                    t
                    for t in self.transactions.values()
                    if t.get("rrn") == body.get("rrn") and t["status"] == "approved"
                ),
                None,
            )
            body = dict(body)
            if original is None:
                answer = self._declined(dict(body, amount_minor=0), "25")
            else:
                body.setdefault("amount_minor", original["amount_minor"])
                answer = self._approved(body, kind)
            self.transactions[txn_id] = answer
            self._book(answer, "refund" if kind == "refund" else "void")
            return self._public(txn_id)

    def settlement(self, _body):
        with self.lock:
            rows, self.batch = self.batch, []
            return {
                "terminal_id": self.terminal_id,
                "count": len(rows),
                "total_minor": sum(row["amount_minor"] for row in rows),
                "transactions": rows,
            }


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):  # quiet in tests
            return

        def _send(self, code, payload):
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                return

        def do_POST(self):
            if state.secret and self.headers.get("Authorization") != (
                f"Bearer {state.secret}"
            ):
                return self._send(401, {"error": "unauthorized"})
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._send(400, {"error": "invalid JSON"})
            operation = self.path.rstrip("/").rsplit("/", 1)[-1]
            state.requests.append((operation, body))
            if operation == "settlement":
                return self._send(200, state.settlement(body))
            if not isinstance(body.get("ecr_txn_id"), str):
                return self._send(400, {"error": "ecr_txn_id is required"})
            if operation == "sale":
                if not isinstance(body.get("amount_minor"), int):
                    return self._send(400, {"error": "amount_minor is required"})
                answer, wait = state.sale(body)
                if wait:
                    time.sleep(wait)
                return self._send(200, answer)
            if operation in ("status", "cancel"):
                return self._send(200, getattr(state, operation)(body))
            if operation in ("refund", "void"):
                return self._send(200, state.refund(body, kind=operation))
            return self._send(404, {"error": "unknown operation"})

    return Handler


class StandinTerminal:
    """The stand-in on 127.0.0.1 in a thread; ``port=0`` picks a free port."""

    def __init__(self, port=0, **options):
        self.state = TerminalState(**options)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(self.state))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument("--terminal-id", default="00012345")
    parser.add_argument("--secret", default=None, help="expected bearer secret")
    parser.add_argument("--delay", type=float, default=35.0, help="…08 answer delay")
    parser.add_argument("--late-polls", type=int, default=2, help="…09 pending polls")
    args = parser.parse_args()
    terminal = StandinTerminal(
        port=args.port,
        terminal_id=args.terminal_id,
        secret=args.secret,
        delay=args.delay,
        late_polls=args.late_polls,
    )
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    _logger.info("Stand-in terminal %s listening on %s", args.terminal_id, terminal.url)
    try:
        terminal.server.serve_forever()
    except KeyboardInterrupt:
        terminal.stop()


if __name__ == "__main__":
    main()
