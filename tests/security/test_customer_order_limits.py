"""The customer page's public write path has limits: orders per tab, per client address and per
truck, and order confirmation emails per recipient per hour. Past each, the customer is told
why and how long to wait, the crew gets a log line, and nothing more is written or queued.

The finding was over the websocket (one anonymous socket on /t/<slug> repeating open item, add
to cart, set name, set anyone's email, place: 70 orders and 70 emails in 1.6 s), so the flood
goes over a real socket to a real backend; with REFLEX_REDIS_URL set it runs two workers
counting in Redis. The per-truck limit needs many addresses, so it is driven through the state
handlers (in this process; Redis counters when the suite runs scaled out).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import reflex as rx
from reflex.istate.data import SessionData
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from cliqmenu import demo_data
from cliqmenu.infra import rate_limits
from cliqmenu.models import MenuItem, OutboxEmail, Truck
from cliqmenu.models import Order as OrderRow
from cliqmenu.services import order_limits
from cliqmenu.services.orders import send_confirmation
from cliqmenu.settings import get_settings
from cliqmenu.state.customer import CustomerMenuState
from tests import factories
from tests.state.test_websocket import ROOT, Backend, Tab, serve_backend

CUSTOMER = f"{ROOT}.cliqmenu___state___customer____customer_menu_state"
PER_TAB, PER_ADDRESS, PER_EMAIL = 3, 5, 4
VICTIM = "victim@example.com"
STEP_TIMEOUT = 30  # two workers on Redis, on a busy 2-core CI box
PHONE_REFUSED = "Too many orders from this phone, try again in"
NETWORK_REFUSED = "Too many orders from this network, try again in"
EMAIL_REFUSED = (
    "This email address was sent too many order confirmations in the last hour. "
    "Leave the email empty, or try again later."
)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    scaled_out = {}
    if redis_url := os.environ.get("REFLEX_REDIS_URL"):
        scaled_out = {"REFLEX_REDIS_URL": redis_url, "GRANIAN_WORKERS": "2"}
    with serve_backend(
        tmp_path_factory.mktemp("limits"),
        CLIQMENU_CUSTOMER_ORDERS_PER_TAB=str(PER_TAB),
        CLIQMENU_CUSTOMER_ORDERS_PER_ADDRESS=str(PER_ADDRESS),
        CLIQMENU_CONFIRMATIONS_PER_EMAIL=str(PER_EMAIL),
        **scaled_out,
    ) as served:
        yield served


def counts(engine: Engine) -> tuple[int, int]:
    """Orders placed from the customer page since the demo, and confirmations to the victim."""
    with Session(engine) as session:
        placed = session.exec(
            select(func.count())
            .select_from(OrderRow)
            .where(col(OrderRow.customer_name).startswith("Flood"))
        ).one()
        mails = session.exec(
            select(func.count()).select_from(OutboxEmail).where(OutboxEmail.to == VICTIM)
        ).one()
    return placed, mails


def water_id(engine: Engine) -> int:
    with Session(engine) as session:
        truck = session.exec(select(Truck).where(Truck.slug == demo_data.CBD_TRUCK_SLUG)).one()
        return session.exec(
            select(MenuItem.id).where(
                MenuItem.business_id == truck.business_id, MenuItem.name == "Bottled Water"
            )
        ).one()


def outcome(update: dict[str, Any]) -> str | None:
    """Where a placed order sent the page, or the error the page shows."""
    for event in update.get("events") or []:
        if event["name"] == "_redirect" and event["payload"]["path"].startswith("/o/"):
            return "placed"
    error = ((update.get("delta") or {}).get(CUSTOMER) or {}).get("error_rx_state_")
    return error or None


def shown(update: dict[str, Any], var: str) -> bool:
    """Whether ``update`` sets ``var`` of the customer page to something (not empty)."""
    return bool(((update.get("delta") or {}).get(CUSTOMER) or {}).get(f"{var}_rx_state_"))


async def flood_once(tab: Tab, item_id: int, n: int) -> str:
    """What the attack sent each time: open item, add to cart, set name and email, place."""
    steps = [  # each answered before the next, as taps are: (handler, payload, var it sets)
        ("open_item", {"item_id": item_id}, "picking"),
        ("add_to_cart", {}, "cart"),
        ("set_customer_name", {"value": f"Flood {n}"}, "customer_name"),
        ("set_customer_email", {"value": VICTIM}, "customer_email"),
    ]
    for handler, payload, var in steps:
        mark = await tab.send(f"{CUSTOMER}.{handler}", **payload)
        await tab.wait_for(lambda u, var=var: shown(u, var), since=mark, timeout=STEP_TIMEOUT)
    mark = await tab.send(f"{CUSTOMER}.place")
    return await tab.wait_for(outcome, since=mark, timeout=STEP_TIMEOUT)


async def open_menu(backend: Backend) -> Tab:
    tab = Tab(backend.url)
    await tab.open(f"/t/{demo_data.CBD_TRUCK_SLUG}")
    await tab.wait_for(lambda u: CUSTOMER in (u.get("delta") or {}), timeout=STEP_TIMEOUT)
    await tab.wait_for(
        lambda u: ((u.get("delta") or {}).get(ROOT) or {}).get("is_hydrated_rx_state_"),
        timeout=STEP_TIMEOUT,
    )
    return tab


async def test_one_socket_flooding_the_customer_page_is_cut_off(backend: Backend) -> None:
    item_id = water_id(backend.engine)
    first = await open_menu(backend)
    try:
        answers = [await flood_once(first, item_id, n) for n in range(PER_TAB + 3)]
    finally:
        await first.close()
    assert answers[:PER_TAB] == ["placed"] * PER_TAB
    assert all(a.startswith(PHONE_REFUSED) for a in answers[PER_TAB:]), answers
    assert counts(backend.engine) == (PER_TAB, PER_TAB)

    # A second socket from the same address: the email reaches its hourly limit ...
    second = await open_menu(backend)
    try:
        more = [await flood_once(second, item_id, 10 + n) for n in range(2)]
    finally:
        await second.close()
    assert more[0] == "placed"
    assert more[1] == EMAIL_REFUSED, more
    assert counts(backend.engine) == (PER_EMAIL, PER_EMAIL)

    # ... and the address its limit over ten minutes, whichever socket it opens.
    third = await open_menu(backend)
    try:
        last = await flood_once(third, item_id, 20)
    finally:
        await third.close()
    assert last.startswith(NETWORK_REFUSED), last
    assert counts(backend.engine) == (PER_EMAIL, PER_EMAIL)
    log = backend.log_text()
    assert "refused a customer order at truck" in log and "over 3 orders per tab" in log
    assert "over 5 orders per address" in log


@pytest.fixture
def own_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counts of this test only: Redis (under a namespace of its own) when scaled out."""
    url = get_settings().redis_url
    counter = rate_limits.RedisCounter(url) if url else rate_limits.MemoryCounter()
    if url:
        counter._namespace = f"test-{uuid.uuid4().hex}"
    monkeypatch.setattr(rate_limits, "_counter", counter)


async def test_many_addresses_together_are_cut_off_per_truck(
    app_engine: Engine, session: Session, configure, own_counter, caplog
) -> None:
    configure(customer_orders_per_truck=4)
    world = factories.make_world(session)
    session.commit()
    answers = []
    for n in range(6):
        root = rx.State(_reflex_internal_init=True)
        root.rx_router_session = SessionData(
            client_token=str(uuid.uuid4()), client_ip=f"198.51.100.{n}", session_id=f"sid-{n}"
        )
        page = await root.get_state(CustomerMenuState)
        page._open_truck(world.truck, world.business)
        page.payment = "cash_at_counter"
        page.cart = [factories.cart_line(world.menu.fries)]
        page.customer_name = f"Flood {n}"
        await page.place()
        answers.append(page.error)
    assert answers[:4] == [""] * 4, answers
    refused = f"{world.truck.name} is getting too many orders right now, try again in"
    assert all(a.startswith(refused) for a in answers[4:]), answers
    assert session.exec(select(func.count()).select_from(OrderRow)).one() == 4
    assert "over 4 orders per truck" in caplog.text


def test_a_confirmation_over_the_limit_is_not_queued_when_a_payment_comes_later(
    session: Session, world: factories.World, configure
) -> None:
    """An Online order placed before its address reached the limit and paid after: the order
    stands, the email is not queued (services/payments.py sends it on payment)."""
    configure(confirmations_per_email=1)
    factories.place(session, world=world, customer_email=VICTIM)
    session.commit()
    with pytest.raises(order_limits.TooManyOrders, match="Leave the email empty"):
        factories.place(session, world=world, customer_email=VICTIM)
    session.rollback()
    order = factories.place(session, world=world)
    order.customer_email = VICTIM
    send_confirmation(session, order=order, truck=world.truck, business=world.business)
    session.commit()
    mails = session.exec(select(func.count()).select_from(OutboxEmail)).one()
    assert mails == 1
