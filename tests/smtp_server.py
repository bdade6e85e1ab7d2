"""A real SMTP server on 127.0.0.1 for the delivery tests (aiosmtpd), and a port nobody answers."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


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
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [item for item in self.received if address in item.recipients]


SENDER = "orders@cliqmenu.test"


class MailServer:
    """An SMTP server on 127.0.0.1:``port`` that a test can stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> dict[str, object]:
        """CLIQMENU_SMTP_* values that point the app at this server (no TLS on 127.0.0.1)."""
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_security": "none",
            "smtp_from": f"Cliq Tacos <{SENDER}>",
            "smtp_timeout_seconds": 10,
        }
