"""A push service double on 127.0.0.1, and a browser's side of a push subscription.

The app's worker sends real Web Push requests (pywebpush: aes128gcm encryption, a VAPID JWT)
to this HTTP server; a test holds the subscription's private key and auth secret, as a browser
does, and decrypts what arrived with http_ece.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Arrival:
    """One request the push service received."""

    path: str
    headers: dict[str, str]
    body: bytes

    def vapid_claims(self) -> dict:
        """The JWT's claims, after checking its signature against the key it names."""
        authorization = self.headers["authorization"]
        assert Vapid02.verify(authorization), "VAPID signature does not verify"
        token = authorization.split("t=", 1)[1].split(",", 1)[0]
        return json.loads(_unb64(token.split(".")[1]))

    def vapid_public_key(self) -> str:
        return self.headers["authorization"].split("k=", 1)[1].split(",", 1)[0]


@dataclass
class Browser:
    """A browser's push subscription: the endpoint, and the keys only the device holds."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> dict:
        """What ``PushSubscription.toJSON()`` gives the page."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        keys = {"p256dh": _b64(public), "auth": _b64(self.auth_secret)}
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": keys}

    def read(self, arrival: Arrival) -> dict:
        """Decrypt a push as the browser would; the payload as JSON."""
        plain = http_ece.decrypt(
            arrival.body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)


class PushService:
    """Records every push; answers 201 unless a test queued other answers for a device."""

    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self._answers: dict[str, deque[int]] = {}
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                with service._lock:
                    service.arrivals.append(Arrival(self.path, headers, body))
                    answers = service._answers.get(self.path)
                    status = answers.popleft() if answers else 201
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> PushService:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def browser(self, name: str) -> Browser:
        return Browser(endpoint=f"http://127.0.0.1:{self.port}/push/{name}")

    def answer(self, browser: Browser, *statuses: int) -> None:
        """The next pushes to ``browser`` get these answers, in order."""
        path = "/" + browser.endpoint.split("/", 3)[3]
        with self._lock:
            self._answers.setdefault(path, deque()).extend(statuses)

    def to(self, browser: Browser) -> list[Arrival]:
        path = "/" + browser.endpoint.split("/", 3)[3]
        with self._lock:
            return [arrival for arrival in self.arrivals if arrival.path == path]
