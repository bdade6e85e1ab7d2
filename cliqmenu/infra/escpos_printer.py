"""Network receipt printers: ESC/POS over a raw TCP socket (port 9100, "JetDirect").

A ticket is laid out as plain lines (``Line``) by services/printers.py; ``render`` turns them
into the printer's byte stream with python-escpos's ``Dummy`` printer (it speaks the command set
and the code pages, and writes into memory), and ``send`` hands the bytes to the printer.

Why render and send apart: the bytes are stored with the change that prints them (an Accept),
so a retry or a second worker sends exactly what was decided then, and the order is never
waiting on a printer. Sending is a plain socket rather than python-escpos's ``Network``
printer: its ``open`` connects with one timeout for everything and reports every failure as the
same ``DeviceNotFoundError``; a socket lets the worker tell "refused" from "no answer" in the
message the Owner reads, and close the connection the moment the bytes are out.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass

from escpos.printer import Dummy

WIDTH = 42  # characters of a line on an 80 mm roll in the printer's normal font (58 mm: 32)


@dataclass(frozen=True)
class Line:
    """One line of a ticket: ``big`` is double width and double height (half as many
    characters fit), ``bold`` emphasised, ``center`` centred; "" is an empty line."""

    text: str = ""
    big: bool = False
    bold: bool = False
    center: bool = False


def render(lines: Sequence[Line]) -> bytes:
    """The ESC/POS stream of ``lines``, then a feed and a cut."""
    printer = Dummy()
    for line in lines:
        printer.set(
            align="center" if line.center else "left",
            bold=line.bold,
            normal_textsize=not line.big,  # else a big line's size carries on to the next
            double_height=line.big,
            double_width=line.big,
        )
        printer.text(line.text + "\n")
    printer.set_with_default()
    printer.cut()
    return printer.output


def send(host: str, port: int, data: bytes, *, timeout: float) -> str | None:
    """Send ``data`` to the printer at ``host:port``; None when it took every byte, else why
    not, in words for the Owner."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
    except ConnectionRefusedError:
        return f"{host}:{port} refused the connection (is it on and is the port right?)"
    except TimeoutError:
        return f"{host}:{port} did not answer within {timeout:g} s"
    except socket.gaierror:
        return f"{host} is not an address this server can find"
    except OSError as error:
        return f"{host}:{port}: {error.strerror or error}"
    return None
