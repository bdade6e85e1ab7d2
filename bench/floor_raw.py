"""The raw floor: a Starlette websocket broadcast, what putting the bytes on sockets costs.

Served by granian (the product's HTTP server) in one process. A screen opens
``/ws/<truck>`` and gets the truck's board at once; ``POST /api/trucks/<truck>/orders`` adds a
row and, in the background, sends the board's delta (serialised once) to every socket of the
truck, answering at once. The delta is shaped like Reflex's (``{"delta": {<state>: {<var>_rx_state_:
value}}}``) with the rows of the Order Manager, so bench/screens.py decodes it unchanged.

    granian --interface asgi --host 127.0.0.1 --port 8000 bench.floor_raw:app
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

# The bare Reflex floor's state name (bench/floor_reflex): both floors send the same deltas.
VIEW = "reflex___state____state.floor_reflex___floor_reflex____board_state"
SUFFIX = "_rx_state_"

BOARDS: dict[str, list[dict]] = defaultdict(list)
SOCKETS: dict[str, set[WebSocket]] = defaultdict(set)
NUMBERS = itertools.count(1)
SENDS: set[asyncio.Task] = set()


def order_row(number: int) -> dict:
    """What the Order Manager's stage list holds for one order (views/boards.py OrderRow)."""
    return {
        "id": number,
        "number": number,
        "stage": "received",
        "customer_name": "Bench",
        "dining_label": "Takeaway",
        "payment_label": "Cash at Counter",
        "placed_at_ms": int(time.time() * 1000),
        "total": "$6.50",
    }


def board_delta(rows: list[dict], loaded: bool = False) -> str:
    """The vars a new order changes on a board (the rows, the counts, the chime list)."""
    view = {"received": rows, "counts": {"received": len(rows)}, "unseen": [r["id"] for r in rows]}
    if loaded:
        view["loaded"] = True
    return json.dumps({"delta": {VIEW: {name + SUFFIX: value for name, value in view.items()}}})


async def _send(socket: WebSocket, text: str) -> None:
    with contextlib.suppress(Exception):  # a socket closing meanwhile
        await socket.send_text(text)


async def _broadcast(truck: str) -> None:
    text = board_delta(BOARDS[truck])
    await asyncio.gather(*(_send(socket, text) for socket in list(SOCKETS[truck])))


def order_api(push: Callable[[str], Awaitable[None]]) -> Route:
    """The order API of a floor: add the truck's row, answer, ``push(truck)`` in the background."""

    async def place(request: Request) -> JSONResponse:
        await request.json()
        truck = request.path_params["truck"]
        number = next(NUMBERS)
        BOARDS[truck].append(order_row(number))
        task = asyncio.get_running_loop().create_task(push(truck))
        SENDS.add(task)
        task.add_done_callback(SENDS.discard)
        return JSONResponse({"order_number": number}, status_code=201)

    return Route("/api/trucks/{truck}/orders", place, methods=["POST"])


async def screen(socket: WebSocket) -> None:
    truck = socket.path_params["truck"]
    await socket.accept()
    SOCKETS[truck].add(socket)
    try:
        await socket.send_text(board_delta(BOARDS[truck], loaded=True))
        while True:
            await socket.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        SOCKETS[truck].discard(socket)


async def ping(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("pong")


app = Starlette(
    routes=[
        Route("/ping", ping),
        order_api(_broadcast),
        WebSocketRoute("/ws/{truck}", screen),
    ]
)
