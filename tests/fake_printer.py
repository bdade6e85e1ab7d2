"""A network receipt printer double: a TCP server on 127.0.0.1 that records the bytes of each
connection (one ticket each), and a decoder of the ESC/POS stream into lines of text with their
style (bold, double size, centred) and the cuts.

``stop()`` closes the port (a printer switched off: connections are refused); ``start()`` opens
the same port again.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field


class FakePrinter:
    def __init__(self, port: int = 0) -> None:
        self.port = port
        self.tickets: list[bytes] = []
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> FakePrinter:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(8)
        server.settimeout(0.2)
        self.port = server.getsockname()[1]
        self._server = server
        self._thread = threading.Thread(target=self._serve, args=(server,), daemon=True)
        self._thread.start()
        return self

    def _serve(self, server: socket.socket) -> None:
        while self._server is server:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                chunks = []
                while chunk := connection.recv(65536):
                    chunks.append(chunk)
            with self._lock:
                self.tickets.append(b"".join(chunks))

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def received(self) -> list[Ticket]:
        with self._lock:
            return [decode(data) for data in self.tickets]

    def wait_for(self, count: int, timeout: float = 15) -> list[Ticket]:
        """The tickets once at least ``count`` arrived (an AssertionError after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            tickets = self.received()
            if len(tickets) >= count:
                return tickets
            time.sleep(0.05)
        raise AssertionError(f"{len(self.received())} ticket(s) printed, {count} expected")


@dataclass(frozen=True)
class PrintedLine:
    text: str
    bold: bool = False
    big: bool = False  # double width and double height
    center: bool = False


@dataclass
class Ticket:
    lines: list[PrintedLine] = field(default_factory=list)
    cuts: int = 0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def line(self, starting: str) -> PrintedLine:
        return next(line for line in self.lines if line.text.startswith(starting))


# Commands with a fixed count of argument bytes (after ESC or GS and the command byte).
_ESC_ARGS = {b"!": 1, b"E": 1, b"a": 1, b"t": 1, b"d": 1, b"-": 1, b"M": 1, b"{": 1, b"G": 1}
_GS_ARGS = {b"!": 1, b"b": 1, b"B": 1, b"V": 1}
CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858", 13: "cp857", 15: "cp862"}


def decode(data: bytes) -> Ticket:
    """The printed lines of an ESC/POS stream: text in its code page, with the style in force."""
    ticket = Ticket()
    bold = big = center = False
    text = bytearray()
    codepage = "cp437"
    pending: list[str] = []
    i = 0

    def flush_text() -> None:
        if text:
            pending.append(bytes(text).decode(codepage, errors="replace"))
            text.clear()

    while i < len(data):
        byte = data[i : i + 1]
        if byte in (b"\x1b", b"\x1d"):
            flush_text()
            command = data[i + 1 : i + 2]
            table = _ESC_ARGS if byte == b"\x1b" else _GS_ARGS
            if command not in table:
                raise AssertionError(f"unknown command {byte!r}{command!r} at {i}")
            argument = data[i + 2]
            if byte == b"\x1b" and command == b"!":
                big = bool(argument & 0x30)
                bold = bool(argument & 0x08)
            elif byte == b"\x1d" and command == b"!":
                big = argument != 0
            elif byte == b"\x1b" and command == b"E":
                bold = bool(argument)
            elif byte == b"\x1b" and command == b"a":
                center = argument == 1
            elif byte == b"\x1b" and command == b"t":
                codepage = CODE_PAGES.get(argument, "cp437")
            elif byte == b"\x1d" and command == b"V":
                ticket.cuts += 1
            i += 2 + table[command]
        elif byte == b"\n":
            flush_text()
            ticket.lines.append(PrintedLine("".join(pending), bold=bold, big=big, center=center))
            pending.clear()
            i += 1
        else:
            text += byte
            i += 1
    return ticket
