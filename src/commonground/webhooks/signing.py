"""The body and signature of a delivery (``docs/webhooks.md`` tells receivers how to check it).

The signature is ``sha256=`` + the hex HMAC-SHA256, keyed with the webhook's secret, of
``<timestamp>.<body>``: the timestamp (Unix seconds, sent in ``X-Commonground-Timestamp``) is
signed with the body, so a receiver that refuses old timestamps cannot be sent a replay.
"""

import hashlib
import hmac
import json

SIGNATURE_HEADER = "X-Commonground-Signature"
TIMESTAMP_HEADER = "X-Commonground-Timestamp"
EVENT_HEADER = "X-Commonground-Event"
DELIVERY_HEADER = "X-Commonground-Delivery"


def body_of(delivery) -> bytes:
    """The JSON body: the same bytes for every attempt of one delivery."""
    webhook = delivery.webhook
    envelope = {
        "id": str(delivery.uuid),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "initiative": {"slug": webhook.initiative.slug, "name": webhook.initiative.name},
        "data": delivery.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def headers(delivery, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Commonground-Webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.uuid),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(delivery.webhook.secret, timestamp, body),
    }


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does (the snippet in ``docs/webhooks.md``); used by the tests."""
    return hmac.compare_digest(signature(secret, int(timestamp), body), header)
