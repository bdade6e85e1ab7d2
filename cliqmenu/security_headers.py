"""Security headers on every HTTP response of the backend: pages, assets and the API.

The Content-Security-Policy fits what a compiled Reflex app needs: React Router's inline boot
scripts and Reflex's ``eval`` of server-sent scripts (toasts, redirects, ``rx.call_script``)
need 'unsafe-inline' and 'unsafe-eval' for scripts, Radix needs inline styles, and the state
travels over a websocket to this origin. Everything else is locked to this origin; no page may
be framed (clickjacking on the manager's Accept button). HSTS is sent only when the public URL
is https (a plain-http install would otherwise lock browsers out of itself).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cliqmenu.settings import get_settings

HSTS = "max-age=31536000; includeSubDomains"


def _websocket_origin(public_url: str) -> str:
    parts = urlsplit(public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}" if parts.netloc else ""


def content_security_policy(public_url: str) -> str:
    connect = " ".join(filter(None, ["'self'", _websocket_origin(public_url)]))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            # Menu photos and logos may be https addresses; QR codes are data: URIs.
            "img-src 'self' data: blob: https:",
            "font-src 'self' data:",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers_for(public_url: str) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(public_url),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), usb=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if public_url.startswith("https://"):
        headers["Strict-Transport-Security"] = HSTS
    return headers


def security_headers(app: ASGIApp) -> ASGIApp:
    """``app`` with the headers added to every HTTP response (a header already set is kept)."""
    headers = security_headers_for(get_settings().public_url)

    async def with_headers(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in headers.items():
                    response_headers.setdefault(name, value)
            await send(message)

        await app(scope, receive, send_with_headers)

    return with_headers
