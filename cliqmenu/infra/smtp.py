"""Talking to a mail server: the message (plain text + HTML), one connection, what a failure means."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from cliqmenu.models import OutboxEmail
from cliqmenu.settings import Settings

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send: from the CLIQMENU_SMTP_* settings."""

    host: str
    port: int
    security: str
    user: str
    password: str
    sender: str
    timeout: float
    ca_file: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpServer:
        """The configured server; a clear ValueError when the settings cannot work."""
        if not settings.smtp_enabled:
            raise ValueError("No email server is set (CLIQMENU_SMTP_HOST).")
        sender = settings.smtp_from.strip() or settings.smtp_user.strip()
        if "@" not in sender:
            raise ValueError("Set CLIQMENU_SMTP_FROM to the address emails are sent from.")
        if settings.smtp_ca_file and not Path(settings.smtp_ca_file).is_file():
            raise ValueError(f"CLIQMENU_SMTP_CA_FILE {settings.smtp_ca_file} is not a file.")
        if settings.smtp_password and not settings.smtp_user:
            raise ValueError("CLIQMENU_SMTP_PASSWORD is set but CLIQMENU_SMTP_USER is not.")
        return cls(
            host=settings.smtp_host.strip(),
            port=settings.smtp_port or DEFAULT_PORTS[settings.smtp_security],
            security=settings.smtp_security,
            user=settings.smtp_user,
            password=settings.smtp_password,
            sender=sender,
            timeout=settings.smtp_timeout_seconds,
            ca_file=settings.smtp_ca_file,
        )


@dataclass(frozen=True)
class Failure:
    """Why a send did not work; permanent ones are not retried."""

    message: str
    permanent: bool


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    """The email as multipart/alternative: the plain text, then the HTML version."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"outbox{email.id}", domain=_domain(sender))
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    return message


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "cliqmenu.local"


def classify(error: Exception) -> Failure:
    """5xx answers are permanent; 4xx answers, dropped or refused connections are temporary."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return _answer(code, reply)
    if isinstance(error, smtplib.SMTPResponseException):
        return _answer(error.smtp_code, error.smtp_error)
    if isinstance(error, ValueError):  # the message itself cannot be sent (a bad header)
        return Failure(f"The email cannot be sent: {error}", permanent=True)
    reason = str(error) or type(error).__name__
    if isinstance(error, OSError | smtplib.SMTPServerDisconnected):
        return Failure(f"Mail server unreachable: {reason}", permanent=False)
    return Failure(f"Mail server problem: {reason}", permanent=False)


def _answer(code: int, reply: bytes | str) -> Failure:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return Failure(f"{code} {text}".strip(), permanent=500 <= code < 600)


class Mailer:
    """One SMTP connection, opened on the first send and reused for the next ones."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self._client: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def send(self, email: OutboxEmail) -> Failure | None:
        """Hand the email to the server; None when it took it, else why not."""
        try:
            message = build_message(email, self.server.sender)
        except ValueError as error:  # e.g. a line break in the subject: never sendable
            return classify(error)
        try:
            client = self._client or self._connect()
        except (smtplib.SMTPException, OSError) as error:
            # Not this message's fault (server down, wrong password): always worth a retry.
            return Failure(classify(error).message, permanent=False)
        try:
            client.send_message(message)
        except (smtplib.SMTPException, OSError, ValueError) as error:
            failure = classify(error)
            if not failure.permanent:
                self.close()  # the connection may be half dead; the next send starts afresh
            return failure
        return None

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=self._tls()
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        try:
            if server.security == "starttls":
                client.starttls(context=self._tls())
            if server.user:
                client.login(server.user, server.password)
        except BaseException:
            client.close()
            raise
        self._client = client
        return client

    def _tls(self) -> ssl.SSLContext:
        """Verifies the server's certificate and host name (system CAs + the CA file)."""
        return ssl.create_default_context(cafile=self.server.ca_file or None)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
