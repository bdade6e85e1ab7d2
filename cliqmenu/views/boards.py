"""View models: the small, plain shapes that screens render, built from the database."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlmodel import Session, col, select

from cliqmenu.models import (
    BOARD_STAGES,
    Business,
    Order,
    OrderLine,
    Stage,
    Station,
    StationBump,
    Truck,
    utcnow,
)
from cliqmenu.services import money, printers, records, slots, station_bumps, stations
from cliqmenu.services.menu import truck_zone
from cliqmenu.services.slots import label
from cliqmenu.services.trucks import is_busy
from cliqmenu.views.receipt import money_lines

KITCHEN_STAGES = (Stage.IN_PROGRESS,)
DELIVERED_SHOWN = 30


@dataclass
class LineView:
    id: int
    quantity: int
    name: str
    options: list[str]
    note: str
    allergens: list[str]
    done: bool
    total: str = ""


@dataclass
class OrderCard:
    """An order as the Order Manager sees it: everything, including money and contact."""

    id: int
    number: int
    stage: str
    stage_label: str
    customer_name: str
    customer_email: str
    customer_phone: str
    dining_method: str
    dining_label: str
    payment_method: str
    payment_label: str
    payment_status: str
    source: str
    placed_at_ms: int
    accepted_at_ms: int
    promised_at_ms: int
    prep_minutes: int
    subtotal: str
    discount: str
    surcharge: str
    total: str
    gst: str
    subtotal_cents: int
    # Subtotal, discount, surcharge, total, GST: the lines of views.receipt.money_lines.
    money: dict[str, str]
    kitchen_note: str
    internal_note: str
    close_reason: str
    refund_needed: bool
    lines: list[LineView] = field(default_factory=list)
    # "Scheduled 12:30": a pre-order not yet sent to the kitchen.
    scheduled: str = ""


@dataclass
class OrderRow:
    """An order as a row of the Order Manager's stage list: only what the row shows.

    The detail (items, notes, contact, money) goes to a screen only for the order it opens.
    """

    id: int
    number: int
    stage: str
    customer_name: str
    dining_label: str
    payment_label: str
    placed_at_ms: int
    total: str
    scheduled: str = ""


@dataclass
class KitchenLine:
    """An order line as the kitchen sees it: what to cook, never what it costs."""

    id: int
    quantity: int
    name: str
    options: list[str]
    note: str
    allergens: list[str]
    done: bool


@dataclass
class KitchenCard:
    """An order as the kitchen sees it: no payment amounts, no customer contact."""

    id: int
    number: int
    stage: str
    customer_first_name: str
    dining_label: str
    accepted_at_ms: int
    prep_minutes: int
    warn_ms: int
    late_ms: int
    kitchen_note: str
    cancelled: bool
    lines: list[KitchenLine] = field(default_factory=list)
    dining_method: str = ""
    cancel_reason: str = ""
    lines_done: int = 0


@dataclass
class AllDayVariant:
    """One way an item is made (its options), and how many of it to cook."""

    label: str
    quantity: int


@dataclass
class AllDayCount:
    """How many of one item are to be cooked right now, split by options."""

    name: str
    quantity: int
    variants: list[AllDayVariant] = field(default_factory=list)


@dataclass
class ManagerBoard:
    truck_id: int
    received: list[OrderRow] = field(default_factory=list)
    in_progress: list[OrderRow] = field(default_factory=list)
    cooking_done: list[OrderRow] = field(default_factory=list)
    ready_for_pickup: list[OrderRow] = field(default_factory=list)
    delivered: list[OrderRow] = field(default_factory=list)
    # Every order on the board in full, by id: a screen shows the one it has open.
    cards: dict[int, OrderCard] = field(default_factory=dict)
    # Pre-orders waiting for their time (Received, out of the new-order alarm), soonest first.
    scheduled: list[OrderRow] = field(default_factory=list)
    # The current slot's load ("Slot 12:30: 7 of 8 orders"; "" when the truck is not paced),
    # whether it is full, when it ends (the screen asks again then) and the pause ("" or "12:40").
    slot_words: str = ""
    slot_full: bool = False
    slot_ends_ms: int = 0
    paused_until: str = ""
    # "Printer Kitchen is not answering — 2 tickets waiting", one per printer that is down.
    printer_alerts: list[str] = field(default_factory=list)


@dataclass
class KitchenBoard:
    truck_id: int
    cards: list[KitchenCard] = field(default_factory=list)
    all_day: list[AllDayCount] = field(default_factory=list)
    # Cooking Done orders the kitchen can recall, most recently bumped first (at a station of a
    # truck that works by stations: the orders this station bumped, still In Progress).
    recallable: list[int] = field(default_factory=list)
    recallable_numbers: list[int] = field(default_factory=list)
    # The station shown ("" for the whole kitchen), and the picker's [value, label] choices
    # ("all", a station's id, "expo"): none unless the truck works by stations.
    station_name: str = ""
    station_choices: list[list[str]] = field(default_factory=list)


@dataclass
class ExpoStation:
    """A station's state for one order on the expo: waiting, cooking or done."""

    name: str
    state: str


@dataclass
class ExpoCard:
    """An order on the expo: the kitchen's card and where each of its stations is."""

    card: KitchenCard
    stations: list[ExpoStation] = field(default_factory=list)
    # Every station has bumped it: ready to hand out (the expo's bump is Cooking Done).
    ready: bool = False
    stations_done: int = 0


@dataclass
class ExpoBoard:
    truck_id: int
    cards: list[ExpoCard] = field(default_factory=list)
    ready_count: int = 0
    recallable: list[int] = field(default_factory=list)
    recallable_numbers: list[int] = field(default_factory=list)
    station_choices: list[list[str]] = field(default_factory=list)


def _ms(value: dt.datetime | None) -> int:
    return int(value.timestamp() * 1000) if value else 0


def _rows(session: Session, query: sa.Select) -> list[Row]:
    """Plain rows, not ORM objects: boards are rebuilt on every change and only read, and
    their cards read the same attribute names from a row as from an object."""
    return list(session.connection().execute(query).all())


# SQLModel sets __table__ on table classes at run time; type checkers cannot see it.
_ORDER_TABLE: sa.Table = Order.__table__  # pyright: ignore[reportAttributeAccessIssue]
_LINE_TABLE: sa.Table = OrderLine.__table__  # pyright: ignore[reportAttributeAccessIssue]


def _order_rows(session: Session, where: sa.ColumnElement, order_by, limit: int | None = None):
    query = sa.select(_ORDER_TABLE).where(where).order_by(*order_by).limit(limit)
    return _rows(session, query)


class BoardLine(NamedTuple):
    """An order line as the boards read it: what the cards show, nothing else."""

    id: int
    order_id: int
    quantity: int
    name: str
    options: tuple[Mapping[str, Any], ...]
    note: str
    allergens: tuple[str, ...]
    done: bool
    line_total_cents: int
    station_id: int | None = None


@lru_cache(maxsize=4096)
def _decoded(text: str) -> tuple:
    """A line's options or allergens, decoded once per distinct text and read-only.

    Lines snapshot the same few choices again and again, and boards re-read every line of
    every open order on each change: decoding was a quarter of a board build.
    """
    return tuple(MappingProxyType(v) if isinstance(v, dict) else v for v in json.loads(text))


def _lines(session: Session, order_ids: list[int]) -> dict[int, list[BoardLine]]:
    grouped: dict[int, list[BoardLine]] = {}
    if not order_ids:
        return grouped
    table = _LINE_TABLE.c
    query = (
        sa.select(
            table.id,
            table.order_id,
            table.quantity,
            table.name,
            sa.cast(table.options, sa.Text),
            table.note,
            sa.cast(table.allergens, sa.Text),
            table.done,
            table.line_total_cents,
            table.station_id,
        )
        .where(col(OrderLine.order_id).in_(order_ids))
        .order_by(col(OrderLine.order_id), col(OrderLine.position))
    )
    for row in _rows(session, query):
        id_, order_id, quantity, name, options, note, allergens, done, total, station = row
        line = BoardLine(
            id_,
            order_id,
            quantity,
            name,
            _decoded(options),
            note,
            _decoded(allergens),
            done,
            total,
            station,
        )
        grouped.setdefault(order_id, []).append(line)
    return grouped


def _line_view(line: OrderLine | BoardLine, show: Callable[[int], str] | None) -> LineView:
    return LineView(
        id=line.id,
        quantity=line.quantity,
        name=line.name,
        options=[o["name"] for o in line.options],
        note=line.note,
        allergens=list(line.allergens),
        done=line.done,
        total=show(line.line_total_cents) if show else "",
    )


def order_card(
    order: Order | Row,
    lines: list[OrderLine] | list[BoardLine],
    business: Business | money.PricingTerms,
    zone: ZoneInfo | None = None,
) -> OrderCard:
    show = money.formatter(business)
    lines_text = money_lines(order, show)
    return OrderCard(
        id=order.id,
        number=order.number,
        stage=order.stage.value,
        stage_label=order.stage.label,
        customer_name=order.customer_name,
        customer_email=order.customer_email or "",
        customer_phone=order.customer_phone or "",
        dining_method=order.dining_method.value,
        dining_label=order.dining_method.label,
        payment_method=order.payment_method.value,
        payment_label=order.payment_method.label,
        payment_status=order.payment_status.value,
        source=order.source.value,
        placed_at_ms=_ms(order.placed_at),
        accepted_at_ms=_ms(order.accepted_at),
        promised_at_ms=_ms(order.promised_at),
        prep_minutes=order.prep_minutes or 0,
        subtotal=lines_text["subtotal"],
        discount=lines_text["discount"],
        surcharge=lines_text["surcharge"],
        total=lines_text["total"],
        gst=lines_text["gst"],
        subtotal_cents=order.subtotal_cents,
        money=lines_text,
        kitchen_note=order.kitchen_note,
        internal_note=order.internal_note,
        close_reason=order.close_reason,
        refund_needed=order.refund_needed,
        lines=[_line_view(line, show) for line in lines],
        scheduled=slots.scheduled_words(order, zone) if zone else "",
    )


def order_row(card: OrderCard) -> OrderRow:
    return OrderRow(
        id=card.id,
        number=card.number,
        stage=card.stage,
        customer_name=card.customer_name,
        dining_label=card.dining_label,
        payment_label=card.payment_label,
        placed_at_ms=card.placed_at_ms,
        total=card.total,
        scheduled=card.scheduled,
    )


def manager_board(session: Session, truck_id: int) -> ManagerBoard:
    """Active orders of a truck by stage, plus today's most recent Delivered ones."""
    truck = records.truck(session, truck_id)
    business = records.business(session, truck.business_id)
    active = _order_rows(
        session,
        sa.and_(col(Order.truck_id) == truck_id, col(Order.stage).in_(BOARD_STAGES[:-1])),
        order_by=(col(Order.id),),  # the order they were placed in (services/queue_order.py)
    )
    delivered = _order_rows(
        session,
        sa.and_(col(Order.truck_id) == truck_id, col(Order.stage) == Stage.DELIVERED),
        order_by=(col(Order.moved_seq).desc(), col(Order.id).desc()),  # delivered last first
        limit=DELIVERED_SHOWN,
    )
    lines = _lines(session, [o.id for o in active + delivered])
    zone = truck_zone(session, truck)
    board = ManagerBoard(truck_id=truck_id, **slot_strip(session, truck, zone))
    for order in active + delivered:
        card = order_card(order, lines.get(order.id, []), business, zone)
        place = "scheduled" if card.scheduled else order.stage.value
        getattr(board, place).append(order_row(card))
        board.cards[card.id] = card
    board.scheduled.sort(key=lambda row: (row.scheduled, row.number))
    board.printer_alerts = [printers.trouble_text(t) for t in printers.troubles(session, truck_id)]
    return board


def slot_strip(session: Session, truck: Truck, zone: ZoneInfo) -> dict[str, Any]:
    """The manager's line about pacing: the current slot's load and the pause, and when the
    line changes by itself (the slot or the pause ends)."""
    now = utcnow()
    busy = is_busy(truck, now=now)
    until = truck.busy_until if busy else None
    strip: dict[str, Any] = {"paused_until": label(until, zone) if until else ""}
    ends = [until] if until else []
    if slots.is_paced(truck):
        load = slots.current_load(session, truck, now=now)
        strip |= {"slot_words": load.words, "slot_full": load.full}
        ends.append(load.start + slots.SLOT)
    strip["slot_ends_ms"] = _ms(min(ends)) if ends else 0
    return strip


RECALLABLE_SHOWN = 5
PLAIN = "no options"


def kitchen_line(line: OrderLine | BoardLine) -> KitchenLine:
    return KitchenLine(
        id=line.id,
        quantity=line.quantity,
        name=line.name,
        options=[o["name"] for o in line.options],
        note=line.note,
        allergens=list(line.allergens),
        done=line.done,
    )


def all_day_counts(cards: list[KitchenCard]) -> list[AllDayCount]:
    """Items still to cook on the open (not cancelled) cards: per item, split by options.

    Ticked lines are cooked already and do not count. Busiest item first, then by name.
    """
    items: dict[str, dict[str, int]] = {}
    for card in cards:
        if card.cancelled:
            continue
        for line in card.lines:
            if line.done:
                continue
            label = " · ".join(line.options) or PLAIN
            variants = items.setdefault(line.name, {})
            variants[label] = variants.get(label, 0) + line.quantity
    counts = [
        AllDayCount(
            name=name,
            quantity=sum(variants.values()),
            variants=[
                AllDayVariant(label=label, quantity=quantity)
                for label, quantity in sorted(variants.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
        )
        for name, variants in items.items()
    ]
    for count in counts:
        # An item only ever made one plain way needs no breakdown.
        if [v.label for v in count.variants] == [PLAIN]:
            count.variants = []
    return sorted(counts, key=lambda count: (-count.quantity, count.name))


ALL, EXPO = "all", "expo"


def station_choices(truck_stations: list[Station]) -> list[list[str]]:
    """The kitchen display's station picker: the whole kitchen, each station, the expo; none
    for a truck with fewer than two stations (it works as one kitchen)."""
    if len(truck_stations) < 2:
        return []
    return [
        [ALL, "All stations"],
        *([str(s.id), s.name] for s in truck_stations),
        [EXPO, "Expo"],
    ]


def _kitchen_orders(session: Session, truck_id: int) -> list[Row]:
    return _order_rows(
        session,
        sa.and_(
            col(Order.truck_id) == truck_id,
            sa.or_(
                col(Order.stage) == Stage.IN_PROGRESS,
                sa.and_(
                    col(Order.stage) == Stage.CANCELLED, col(Order.cancel_acknowledged).is_(False)
                ),
            ),
        ),
        order_by=(col(Order.kitchen_seq), col(Order.id)),  # the kitchen's queue order
    )


def _cooking_done_recallable(session: Session, truck_id: int) -> list[tuple[int, int]]:
    return [
        (order_id, number)
        for order_id, number in session.exec(
            select(Order.id, Order.number)
            .where(Order.truck_id == truck_id, Order.stage == Stage.COOKING_DONE)
            .order_by(col(Order.moved_seq).desc(), col(Order.id).desc())  # bumped last first
            .limit(RECALLABLE_SHOWN)
        )
    ]


def _station_recallable(session: Session, station_id: int) -> list[tuple[int, int]]:
    """Orders still In Progress this station bumped, most recent first."""
    return [
        (order_id, number)
        for order_id, number in session.exec(
            select(Order.id, Order.number)
            .join(StationBump, col(StationBump.order_id) == col(Order.id))
            .where(StationBump.station_id == station_id, Order.stage == Stage.IN_PROGRESS)
            .order_by(col(StationBump.bumped_at).desc(), col(StationBump.id).desc())
            .limit(RECALLABLE_SHOWN)
        )
    ]


def _kitchen_card(order: Row, truck: Truck, lines: list[BoardLine]) -> KitchenCard:
    prep_ms = (order.prep_minutes or truck.default_prep_minutes) * 60_000
    kitchen_lines = [kitchen_line(line) for line in lines]
    cancelled = order.stage == Stage.CANCELLED
    return KitchenCard(
        id=order.id,
        number=order.number,
        stage=order.stage.value,
        customer_first_name=order.customer_name.split(" ")[0][:20],
        dining_method=order.dining_method.value,
        dining_label=order.dining_method.label,
        accepted_at_ms=_ms(order.accepted_at),
        prep_minutes=order.prep_minutes or truck.default_prep_minutes,
        warn_ms=prep_ms * truck.kds_amber_percent // 100,
        late_ms=prep_ms * truck.kds_red_percent // 100,
        kitchen_note=order.kitchen_note,
        cancelled=cancelled,
        cancel_reason=order.close_reason if cancelled else "",
        lines_done=sum(1 for line in kitchen_lines if line.done),
        lines=kitchen_lines,
    )


def kitchen_board(session: Session, truck_id: int, station_id: int | None = None) -> KitchenBoard:
    """Accepted orders in acceptance order, cancelled ones until acknowledged, all-day counts
    and the recallable (Cooking Done) orders, most recently bumped first.

    With ``station_id`` on a truck that works by stations: only that station's items of each
    order, the orders it has not bumped yet, its counts and its own bumps to recall.
    """
    truck = records.truck(session, truck_id)
    truck_stations = stations.list_stations(session, truck_id)
    split = len(truck_stations) >= 2
    station = next((s for s in truck_stations if s.id == station_id), None)
    orders = _kitchen_orders(session, truck_id)
    lines = _lines(session, [o.id for o in orders])
    if station is not None and split:
        default = stations.default_station(truck_stations)
        default_id = default.id if default else None
        bumped = set(
            session.exec(
                select(StationBump.order_id).where(
                    StationBump.station_id == station.id,
                    col(StationBump.order_id).in_([o.id for o in orders]),
                )
            )
        )
        lines = {
            order_id: [
                line
                for line in order_lines
                if stations.line_station(line.station_id, default_id) == station.id
            ]
            for order_id, order_lines in lines.items()
        }
        orders = [
            o
            for o in orders
            if lines.get(o.id) and (o.id not in bumped or o.stage != Stage.IN_PROGRESS)
        ]
        recallable = _station_recallable(session, station.id)
    else:
        recallable = _cooking_done_recallable(session, truck_id)
    cards = [_kitchen_card(order, truck, lines.get(order.id, [])) for order in orders]
    return KitchenBoard(
        truck_id=truck_id,
        cards=cards,
        all_day=all_day_counts(cards),
        recallable=[order_id for order_id, _ in recallable],
        recallable_numbers=[number for _, number in recallable],
        station_name=station.name if station is not None and split else "",
        station_choices=station_choices(truck_stations),
    )


def station_board(session: Session, station_id: int) -> KitchenBoard:
    """A station's display (the realtime builder of its audience); an empty board for a
    station that was removed meanwhile (its screen goes back to the whole kitchen)."""
    station = session.get(Station, int(station_id))
    if station is None:
        return KitchenBoard(truck_id=0)
    return kitchen_board(session, station.truck_id, station.id)


def expo_board(session: Session, truck_id: int) -> ExpoBoard:
    """Every order the kitchen has, with each of its stations' states; ready when all bumped."""
    kitchen = kitchen_board(session, truck_id)
    found = station_bumps.states(session, [card.id for card in kitchen.cards], truck_id)
    cards = []
    for card in kitchen.cards:
        states = found.get(card.id, [])
        done = sum(1 for s in states if s.state == station_bumps.DONE)
        cards.append(
            ExpoCard(
                card=card,
                stations=[ExpoStation(name=s.name, state=s.state) for s in states],
                ready=not card.cancelled and done == len(states),
                stations_done=done,
            )
        )
    return ExpoBoard(
        truck_id=truck_id,
        cards=cards,
        ready_count=sum(1 for c in cards if c.ready),
        recallable=kitchen.recallable,
        recallable_numbers=kitchen.recallable_numbers,
        station_choices=kitchen.station_choices,
    )
