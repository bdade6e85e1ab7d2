"""Web Push to a browser's push service (RFC 8030/8291/8292) through pywebpush.

The payload is encrypted for the device (aes128gcm with its p256dh key and auth secret) and
signed for the push service with the installation's VAPID key. What the push service answers
decides what happens next: 201 delivered, 404/410 the device is gone, 429/5xx or no answer try
again later, anything else will never work.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

GONE = (404, 410)


@dataclass(frozen=True)
class Device:
    """Where a push goes and the keys it is encrypted with (from the browser's subscription)."""

    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class Failure:
    """Why a push was not delivered; ``gone``: the subscription no longer exists."""

    message: str
    gone: bool = False
    permanent: bool = False


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_key_pair() -> tuple[str, str]:
    """A fresh VAPID key pair: (raw private key, uncompressed public point), both base64url."""
    private = ec.generate_private_key(ec.SECP256R1())
    raw_private = private.private_numbers().private_value.to_bytes(32, "big")
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(raw_private), b64url(public)


def send(
    device: Device,
    payload: dict,
    *,
    private_key: str,
    contact: str,
    ttl: int,
    urgency: str,
    topic: str = "",
    timeout: float = 10,
) -> Failure | None:
    """Encrypt and send one notification; None when the push service took it."""
    headers: dict[str, str | int | float] = {"Urgency": urgency}
    if topic:
        # A push service replaces an undelivered message with the same topic by the newer one.
        headers["Topic"] = topic
    try:
        webpush(
            {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}},
            data=json.dumps(payload, separators=(",", ":")),
            vapid_private_key=Vapid02.from_string(private_key),
            vapid_claims={"sub": contact},
            ttl=ttl,
            headers=headers,
            timeout=timeout,
        )
    except WebPushException as error:
        response = error.response
        if response is None:
            return Failure(f"Push service unreachable: {error.message}")
        status = response.status_code
        answer = f"Push service answered {status}"
        if status in GONE:
            return Failure(f"{answer}: the device unsubscribed", gone=True, permanent=True)
        if status == 429 or status >= 500:
            return Failure(answer)
        return Failure(f"{answer}: {response.text[:200]}", permanent=True)
    except (requests.RequestException, OSError) as error:
        return Failure(f"Push service unreachable: {error.__class__.__name__}")
    except ValueError as error:  # keys a browser never made (bad p256dh / auth)
        return Failure(f"The device's keys are not usable: {error}", gone=True, permanent=True)
    return None
