"""A real SMTP server on 127.0.0.1 for the delivery tests (aiosmtpd), and a port nobody answers."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    """One message as the server took it."""

    sender: str
    recipients: list[str]
    message: EmailMessage
    encrypted: bool = False
    login: str | None = None

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def body(self, subtype: str) -> str:
        """The text/plain or text/html part."""
        part = self.message.get_body(preferencelist=(subtype,))
        assert part is not None and part.get_content_type() == f"text/{subtype}", subtype
        return part.get_content()


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps what arrives, answers RCPT TO from ``answers`` if listed."""

    received: list[Received] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    data_delay: float = 0.0  # seconds each message takes to be taken
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.answers:
            return self.answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self.data_delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    message,
                    encrypted=server.transport.get_extra_info("ssl_object") is not None,
                    login=session.auth_data.login.decode() if session.authenticated else None,
                )
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [item for item in self.received if address in item.recipients]


SENDER = "orders@cliqmenu.test"


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CliqMenu test mail server")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass(frozen=True)
class Tls:
    """How the server speaks TLS: "starttls" (port 587 style) or "tls" (465 style)."""

    mode: str
    certificate: Path
    key: Path
    login: tuple[str, str]  # the only user and password AUTH accepts

    def context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certificate, self.key)
        return context

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        given = (auth_data.login.decode(), auth_data.password.decode())
        return AuthResult(success=given == self.login, handled=False, auth_data=auth_data)


class MailServer:
    """An SMTP server on 127.0.0.1:``port`` that a test can stop and start again."""

    def __init__(self, tls: Tls | None = None) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.tls = tls
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, **self._tls_options()
        )
        self._controller.start()

    def _tls_options(self) -> dict[str, object]:
        if self.tls is None:
            return {}
        if self.tls.mode == "tls":
            # aiosmtpd only counts STARTTLS as TLS; this connection is TLS from the first byte.
            return {"ssl_context": self.tls.context(), "auth_require_tls": False, **self._auth()}
        return {"tls_context": self.tls.context(), "require_starttls": True, **self._auth()}

    def _auth(self) -> dict[str, object]:
        return {"authenticator": self.tls.authenticate, "auth_required": True}

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> dict[str, object]:
        """CLIQMENU_SMTP_* values that point the app at this server (no TLS on 127.0.0.1)."""
        values: dict[str, object] = {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_security": "none",
            "smtp_from": f"Cliq Tacos <{SENDER}>",
            "smtp_timeout_seconds": 10,
        }
        if self.tls is not None:
            user, password = self.tls.login
            values |= {"smtp_security": self.tls.mode, "smtp_user": user}
            values |= {"smtp_password": password, "smtp_ca_file": self.tls.certificate}
        return values
