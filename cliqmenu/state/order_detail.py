"""Closing the Order Manager's open order from the panels beside it (the accept form, refunds).

The board opens the accept form, so the form cannot import the board: the board names its state
here (``register_board``) and the panels close its open order with ``close_order_detail``.
"""

from __future__ import annotations

import reflex as rx

_boards: list[type[rx.State]] = []


def register_board(cls: type[rx.State]) -> None:
    """``cls`` is the Order Manager's board state."""
    _boards[:] = [cls]


async def close_order_detail(state: rx.State) -> None:
    """Close the open order on the board of ``state``'s tab."""
    board = await state.get_state(_boards[0])
    board._close_detail()
