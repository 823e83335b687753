#!/usr/bin/env python3
"""Stand-in PBX: sends one call's webhook events, signed as the provider signs.

Usable by hand against a running Odoo (copy the URL from the PBX connection):

    python3 repair_call_center/tools/pbx_standin.py --provider mango \\
        --from "8 916 123-45-67" --extension 101 --key KEY --secret SALT \\
        --url http://localhost:8069/repair_call_center/webhook/<token>/mango

``--missed`` makes the call end unanswered; ``--replay`` sends every event
twice. Only the standard library is used.
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone

try:
    from .pbx_signatures import mango_sign, twilio_signature, zadarma_signature
except ImportError:  # run as a script
    from pbx_signatures import mango_sign, twilio_signature, zadarma_signature


def mango_events(url, key, salt, caller, line, extension, missed=False, **_kw):
    """(url, form, headers) of a Mango call: Appeared, Connected?, Disconnected,
    then events/summary."""
    entry_id = uuid.uuid4().hex
    call_id = uuid.uuid4().hex
    now = int(time.time())
    to = {"extension": extension, "number": line, "line_number": line}
    states = ["Appeared"] + ([] if missed else ["Connected"]) + ["Disconnected"]
    payloads = []
    for seq, state in enumerate(states, start=1):
        body = {
            "entry_id": entry_id,
            "call_id": call_id,
            "timestamp": now + seq,
            "seq": seq,
            "call_state": state,
            "location": "abonent",
            "from": {"number": caller},
            "to": to,
        }
        if state == "Disconnected":
            body["disconnect_reason"] = 1110 if missed else 1100
        payloads.append(("events/call", body))
    payloads.append(
        (
            "events/summary",
            {
                "entry_id": entry_id,
                "call_direction": 1,
                "from": {"number": caller},
                "to": {"extension": extension, "number": line},
                "line_number": line,
                "create_time": now,
                "talk_time": 0 if missed else now + 2,
                "end_time": now + 60,
                "entry_result": 0 if missed else 1,
            },
        )
    )
    requests_ = []
    for path, body in payloads:
        text = json.dumps(body)
        form = {"vpbx_api_key": key, "sign": mango_sign(key, text, salt), "json": text}
        requests_.append((f"{url.rstrip('/')}/{path}", form, {}))
    return requests_


def zadarma_events(url, key, secret, caller, line, extension, missed=False, **_kw):
    call_id = f"in_{uuid.uuid4().hex}"
    start = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    base = {"pbx_call_id": call_id, "caller_id": caller, "called_did": line}
    events = [dict(base, event="NOTIFY_START", call_start=start)]
    if not missed:
        events.append(
            dict(base, event="NOTIFY_ANSWER", call_start=start, destination=extension)
        )
    events.append(
        dict(
            base,
            event="NOTIFY_END",
            call_start=start,
            internal=extension,
            duration="0" if missed else "42",
            disposition="no answer" if missed else "answered",
            status_code="16",
            is_recorded="0",
        )
    )
    return [(url, ev, {"Signature": zadarma_signature(secret, ev)}) for ev in events]


def asterisk_events(url, key, secret, caller, line, extension, missed=False, **_kw):
    uid = f"{time.time():.6f}"
    base = {"token": secret, "uid": uid, "caller": caller, "exten": line}
    events = [dict(base, event="ring")]
    if not missed:
        events.append(dict(base, event="answer", agent=extension))
    events.append(
        dict(
            base,
            event="hangup",
            agent="" if missed else extension,
            disposition="NO ANSWER" if missed else "ANSWER",
            duration="0" if missed else "42",
        )
    )
    return [(url, ev, {}) for ev in events]


def twilio_events(url, key, secret, caller, line, extension, missed=False, **_kw):
    sid = f"CA{uuid.uuid4().hex}"
    base = {
        "CallSid": sid,
        "AccountSid": key,
        "From": caller,
        "To": line,
        "Direction": "inbound",
    }
    statuses = ["ringing"] + (["no-answer"] if missed else ["in-progress", "completed"])
    requests_ = []
    for status in statuses:
        form = dict(base, CallStatus=status)
        if status == "completed":
            form["CallDuration"] = "42"
        headers = {"X-Twilio-Signature": twilio_signature(secret, url, form)}
        requests_.append((url, form, headers))
    return requests_


PROVIDERS = {
    "mango": mango_events,
    "zadarma": zadarma_events,
    "asterisk": asterisk_events,
    "twilio": twilio_events,
}


def build_events(provider, **kwargs):
    return PROVIDERS[provider](**kwargs)


def post(url, form, headers, timeout=10):
    """POST a form; return (status, body)."""
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--provider", choices=sorted(PROVIDERS), required=True)
    parser.add_argument("--url", required=True, help="webhook URL of the connection")
    parser.add_argument("--from", dest="caller", required=True)
    parser.add_argument("--line", default="74950000000")
    parser.add_argument("--extension", default="101")
    parser.add_argument("--key", default="", help="API key / Account SID")
    parser.add_argument("--secret", default="", help="salt / secret / token")
    parser.add_argument("--missed", action="store_true")
    parser.add_argument("--replay", action="store_true")
    args = parser.parse_args(argv)
    events = build_events(
        args.provider,
        url=args.url,
        key=args.key,
        secret=args.secret,
        salt=args.secret,
        caller=args.caller,
        line=args.line,
        extension=args.extension,
        missed=args.missed,
    )
    if args.replay:
        events = events + events
    failed = 0
    for url, form, headers in events:
        status, body = post(url, form, headers)
        label = form.get("event") or form.get("CallStatus") or ""
        sys.stdout.write(f"{status} {url} {label}\n")
        failed += status != 200
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
