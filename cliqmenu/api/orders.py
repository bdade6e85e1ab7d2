"""The order ingest API: POST /api/trucks/<slug>/orders, exactly once per idempotency key."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse

from cliqmenu.api.bodies import BadBody, read_json
from cliqmenu.db import database_unavailable, disk_full, read_scope, session_scope
from cliqmenu.models import DiningMethod, Order, OrderSource, PaymentMethod
from cliqmenu.realtime import Audience, publish_soon
from cliqmenu.services import order_limits, orders, portions, trucks
from cliqmenu.services.errors import DomainError
from cliqmenu.services.slots import SlotFull

MAX_BODY = 64 * 1024
# An order is an object of lines, each with a list of options: 3 levels; a few spare.
MAX_DEPTH = 8
# Ids are 32-bit in the database: a bigger number is no row, refused before any query.
RowId = Annotated[int, Field(strict=True, ge=1, le=2**31 - 1)]
UNAVAILABLE = (
    "The order was not saved: the database is unavailable. "
    "Send it again with the same idempotency_key."
)
DISK_FULL = (
    "The order was not saved: the truck's server has no disk space left. "
    "Send it again with the same idempotency_key in a moment."
)

log = logging.getLogger(__name__)


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_id: RowId
    option_ids: list[RowId] = Field(default_factory=list, max_length=30)
    quantity: Annotated[int, Field(strict=True)] = 1
    note: str = ""


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lines: list[LineIn] = Field(max_length=orders.MAX_LINES)
    customer_name: str
    customer_email: str | None = None
    customer_phone: str | None = None
    dining_method: DiningMethod
    payment_method: PaymentMethod
    idempotency_key: str
    # A pre-order: the start of a 15-minute slot later today, ISO 8601 with its offset.
    pickup_at: dt.datetime | None = None


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _refused(error: DomainError) -> JSONResponse:
    """A domain refusal; a full slot also says the next free pickup time (or null)."""
    if isinstance(error, SlotFull):
        free = error.next_free
        return JSONResponse(
            {
                "error": str(error),
                "next_free_slot": free.isoformat().replace("+00:00", "Z") if free else None,
            },
            status_code=error.status_code,
        )
    return _error(error.status_code, str(error))


def _validation_message(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def _utc(moment: dt.datetime | None) -> str | None:
    """A time in the answer: ISO 8601 in UTC ("2026-12-02T01:40:00Z"), or null."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if moment else None


def _answer(order: Order, created: bool) -> JSONResponse:
    return JSONResponse(
        {
            "order_id": order.public_id,
            "order_number": order.number,
            "stage": order.stage.value,
            "total_cents": order.total_cents,
            "pickup_at": _utc(order.pickup_at),
            # The ready time the order was quoted when it was placed (a pre-order: its pickup).
            "quoted_ready_at": _utc(order.quoted_ready_at),
            "tracking_url": orders.tracking_url(order),
            "created": created,
        },
        status_code=201 if created else 200,
    )


async def create_order(request: Request) -> JSONResponse:
    try:
        payload = OrderIn.model_validate(
            await read_json(request, max_bytes=MAX_BODY, max_depth=MAX_DEPTH)
        )
    except BadBody as error:
        return _error(error.status_code, str(error))
    except ValidationError as error:
        return _error(422, _validation_message(error))
    if payload.payment_method == PaymentMethod.ONLINE:
        return _error(422, "payment_method: Online orders are paid on the customer ordering page.")
    request_model = orders.OrderRequest(
        customer_name=payload.customer_name,
        customer_email=payload.customer_email,
        customer_phone=payload.customer_phone,
        dining_method=payload.dining_method,
        payment_method=payload.payment_method,
        idempotency_key=payload.idempotency_key,
        pickup_at=payload.pickup_at,
        lines=[orders.LineRequest(**line.model_dump()) for line in payload.lines],
    )
    slug = request.path_params["slug"]
    try:
        if refused := await _over_limit(request, slug, request_model):
            return refused
    except DomainError as error:
        return _error(error.status_code, str(error))
    try:
        # In a thread: the commit waits for the disk (fsync) and, on SQLite, for the write lock;
        # on the event loop either would stall every screen this worker serves.
        order, created, counted = await asyncio.to_thread(_place, slug, request_model)
    except DomainError as error:
        return _refused(error)
    except DBAPIError as error:
        if not database_unavailable(error):
            raise
        # The transaction never committed (lost connection, database down or locked): nothing
        # of the order is stored, and the pool replaces the connection for the next request.
        log.warning("order for %s not saved, database unavailable: %s", slug, error.orig)
        answer = _error(503, DISK_FULL if disk_full(error) else UNAVAILABLE)
        answer.headers["Retry-After"] = "1"
        return answer
    if created:
        publish_soon(Audience("manager", order.truck_id))
    if order.truck_id in counted.stock_truck_ids:
        publish_soon(Audience("stock", order.truck_id))
    if order.truck_id in counted.menu_truck_ids:
        publish_soon(Audience("menu", order.truck_id))
    return _answer(order, created)


async def _over_limit(
    request: Request, slug: str, request_model: orders.OrderRequest
) -> JSONResponse | None:
    """429 once this address sent too many orders to the truck this minute; a retry of an
    order already placed still gets its order back."""
    peer = request.client.host if request.client else ""
    address = client_address(peer, request.headers.get("x-forwarded-for", ""))
    wait = await order_limits.api_order_wait(truck_slug=slug, address=address)
    if not wait:
        return None
    with read_scope() as session:
        truck = trucks.truck_taking_orders(session, slug)
        placed = orders.find_replay(session, truck_id=truck.id, request=request_model)
        if placed is not None:
            return _answer(placed, created=False)
    answer = _error(429, order_limits.too_many_from_address(wait))
    answer.headers["Retry-After"] = str(wait)
    return answer


def _place(
    slug: str, request_model: orders.OrderRequest
) -> tuple[Order, bool, portions.PortionChanges]:
    """The order (stored, or the one this key made before), whether it is new, and which
    trucks' portion counts it changed."""
    try:
        with session_scope() as session:
            truck = trucks.truck_taking_orders(session, slug)
            order, created = orders.place_order(
                session, truck=truck, request=request_model, source=OrderSource.API
            )
            return order, created, portions.changed(session)
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its order.
        with session_scope() as session:
            truck = trucks.truck_taking_orders(session, slug)
            existing = orders.find_replay(session, truck_id=truck.id, request=request_model)
            if existing is None:
                raise
            return existing, False, portions.PortionChanges()


def client_address(peer: str, forwarded_for: str) -> str:
    """The client's address as Reflex resolves it for the websocket: the peer, or the entry
    the last of REFLEX_TRUSTED_PROXY_HOPS trusted proxies put in X-Forwarded-For."""
    from reflex.config import get_config

    hops = get_config().trusted_proxy_hops
    forwarded = [ip.strip() for ip in forwarded_for.split(",") if ip.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return peer
