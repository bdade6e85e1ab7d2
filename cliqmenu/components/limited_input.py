"""A text input that shows its length rule: the browser stops at the limit, and a counter says
how much is left (the services refuse the same limit, with the same message, for the API)."""

from __future__ import annotations

import reflex as rx


def limited_input(value: rx.Var[str], limit: int, **props) -> rx.Component:
    """``rx.input`` with ``maxlength`` = ``limit`` and a "12/80" counter under it."""
    counter_id = f"{props['id']}-count"
    return rx.vstack(
        rx.input(value=value, max_length=limit, aria_describedby=counter_id, **props),
        rx.text(
            value.length().to_string(),
            f"/{limit}",
            id=counter_id,
            size="1",
            color_scheme="gray",
            align="right",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )
