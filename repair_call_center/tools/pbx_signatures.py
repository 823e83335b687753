"""How each PBX signs its webhooks (pure Python: the stand-in PBX uses it too).

See ../../../shared design PROTOCOLS.md, "IP telephony".
"""

import base64
import hashlib
import hmac
from urllib.parse import urlencode

# Zadarma signs each notification over a few of its fields, in this order.
ZADARMA_SIGNED_FIELDS = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_IVR": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}


def mango_sign(api_key, json_text, salt):
    """``sign`` of a Mango Office request: sha256 hex of key + json + salt."""
    raw = f"{api_key}{json_text}{salt}".encode()
    return hashlib.sha256(raw).hexdigest()


def zadarma_signature(secret, params):
    """``Signature`` header of a Zadarma notification: base64 of the hex
    digest of HMAC-SHA1 over the event's signed fields."""
    fields = ZADARMA_SIGNED_FIELDS.get(params.get("event"), ())
    data = "".join(str(params.get(name, "")) for name in fields)
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


def twilio_signature(auth_token, url, params):
    """``X-Twilio-Signature``: base64 HMAC-SHA1 of the full URL followed by
    every POST parameter's name and value, sorted by name."""
    data = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def zadarma_api_authorization(key, secret, method_path, params):
    """``Authorization`` header of a Zadarma API request:
    ``key:base64(hex(HMAC-SHA1(secret, method_path + query + md5(query))))``
    with the parameters sorted and URL-encoded."""
    query = urlencode(sorted(params.items()))
    data = method_path + query + hashlib.md5(query.encode()).hexdigest()
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest()
    return f"{key}:{base64.b64encode(digest.encode()).decode()}"
