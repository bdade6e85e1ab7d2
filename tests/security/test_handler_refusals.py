# ruff: noqa: F811  (the backend fixtures are imported from tests/state/test_websocket.py)
"""Every staff handler, called over the raw websocket by a tab that may not use it, is refused.

The handlers are ENUMERATED from the state classes (``cls.event_handlers``), so a handler added
later is called here too, with arguments made from its signature and pointed at real rows of the
demo business. An anonymous tab must be sent to sign-in and a Kitchen Staff tab must be told its
role cannot do that (or be sent to the kitchen display), and the database must be byte-for-byte
as it was. The only handlers not expected to refuse are listed in ``HARMLESS`` with the reason;
they are still called, and still must not change the database.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import reflex as rx
from sqlmodel import Session

from cliqmenu import demo_data
from cliqmenu.models import Truck
from cliqmenu.routes import SESSION_COOKIE
from cliqmenu.state.accept_form import AcceptFormState
from cliqmenu.state.history import HistoryState
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.menu_editor import MenuEditorState
from cliqmenu.state.more_time import MoreTimeState
from cliqmenu.state.owner_audit import AuditState
from cliqmenu.state.owner_business import BusinessState
from cliqmenu.state.owner_home import OwnerHomeState
from cliqmenu.state.owner_printers import PrintersState
from cliqmenu.state.owner_reports import ReportsState
from cliqmenu.state.owner_setup import SetupState
from cliqmenu.state.owner_trucks import TrucksState
from cliqmenu.state.refunds import RefundState
from cliqmenu.state.staff_trucks import StaffTrucksState
from cliqmenu.state.stock import StockState
from cliqmenu.state.walk_in import WalkInState
from tests.security.support import (
    STAFF_STATES,
    Targets,
    database_rows,
    handlers,
    member_id,
    payload,
    targets_in,
)
from tests.state.test_websocket import (  # noqa: F401  (fixtures: one real backend per module)
    MANAGER_STATE,
    ROLE_REFUSED,
    Backend,
    Demo,
    Tab,
    backend,
    demo_rows,
    no_backend_errors,
    refusal,
    session_token,
    tabs,
)

SETUP_STATE = SetupState.get_full_name()

_FIELD = "only sets a field of the caller's own form; every action re-checks who is calling"
_UI = "only opens, closes or switches part of the caller's own screen; reads nothing"
_LOADED = "works only on what the tab already holds, which only an authorized load() or open filled"
# (state, handler) -> why it need not refuse. Called anyway: the database must not change.
HARMLESS: dict[tuple[type[rx.State], str], str] = {
    (ManagerState, "heartbeat"): "re-checks the session; a refused caller is signed out by it",
    (ManagerState, "select_tab"): _UI,
    (ManagerState, "close_order"): _UI,
    (ManagerState, "keep_undelivered"): _UI,
    (ManagerState, "set_reason"): _FIELD,
    **{
        (AcceptFormState, name): _FIELD
        for name in (
            "set_prep_minutes",
            "set_dining",
            "set_payment",
            "set_discount_kind",
            "set_discount_text",
            "set_kitchen_note",
            "set_internal_note",
            "set_refund_way",
        )
    },
    (RefundState, "close_panel"): _UI,
    (RefundState, "change_line"): _LOADED,
    **{
        (RefundState, name): _FIELD
        for name in ("set_mode", "set_amount_text", "set_way", "set_reason", "set_refund_on_close")
    },
    (OwnerHomeState, "set_invite_open"): _UI,
    (OwnerHomeState, "set_invite_role"): _FIELD,
    **{
        (BusinessState, name): _FIELD
        for name in (
            "set_name",
            "set_logo_url",
            "set_currency",
            "set_timezone",
            "set_gst_registered",
            "set_country",
            "set_card_surcharge",
            "set_online_surcharge",
            "set_s_secret",
            "set_s_publishable",
            "set_s_webhook",
        )
    },
    (BusinessState, "discard"): _UI,
    (TrucksState, "start_new"): _UI,
    (TrucksState, "set_editing"): _UI,
    (TrucksState, "set_archive_open"): _UI,
    (StaffTrucksState, "set_dialog_open"): _UI,
    (StaffTrucksState, "set_scope"): _FIELD,
    (StaffTrucksState, "toggle"): _LOADED,
    **{
        (TrucksState, name): _FIELD
        for name in (
            "set_f_name",
            "set_f_slug",
            "set_f_cash",
            "set_f_card",
            "set_f_online",
            "set_f_prep",
            "set_f_amber",
            "set_f_red",
            "set_f_low",
            "set_f_reminder",
            "set_f_timezone",
            "set_f_low",
            "set_f_board_names",
            "set_f_slot_orders",
            "set_f_slot_items",
        )
    },
    **{(ReportsState, name): _FIELD for name in ("set_start", "set_end", "set_truck", "pick")},
    **{(AuditState, name): _FIELD for name in ("set_order", "set_day")},
    (StockState, "heartbeat"): "re-checks the session; a refused caller is signed out by it",
    (StockState, "set_query"): _FIELD,
    (StockState, "toggle_open"): _UI,
    (MenuEditorState, "set_show_archived"): _UI,
    **{
        (WalkInState, name): _FIELD
        for name in (
            "set_prep_minutes",
            "set_pick_qty",
            "set_pick_note",
            "set_customer_name",
            "set_customer_email",
            "set_dining",
            "set_payment",
            "remove_line",
            "close_item",
            "set_pickup",
            "take_offer",
        )
    },
    **{
        (WalkInState, name): _LOADED
        for name in ("choose_category", "open_item", "toggle_option", "add_to_cart")
    },
    **{(HistoryState, name): _FIELD for name in ("set_text", "set_day", "set_stage", "set_truck")},
    (HistoryState, "close"): _UI,
    (KitchenState, "heartbeat"): "re-checks the session; a refused caller is signed out by it",
    (KitchenState, "toggle_all_day"): _UI,
    (KitchenState, "toggle_theme"): _UI,
    (KitchenState, "recall"): _LOADED,
    (PrintersState, "set_editing"): _UI,
    (PrintersState, "set_remove_open"): _UI,
    (PrintersState, "ask_remove"): _UI,
    **{
        (PrintersState, name): _FIELD
        for name in (
            "set_f_truck",
            "set_f_name",
            "set_f_host",
            "set_f_port",
            "set_f_kitchen",
            "set_f_receipts",
            "set_f_station",
        )
    },
}


@pytest.fixture(scope="module")
def targets(backend: Backend, demo_rows: Demo) -> Targets:
    """The guessed ids are right: real rows of the demo business."""
    with Session(backend.engine) as session:
        return targets_in(
            session,
            business_id=session.get(Truck, demo_rows.truck_id).business_id,
            truck_id=demo_rows.truck_id,
            order_id=demo_rows.received_id,
            staff_id=member_id(session, demo_data.MANAGER_EMAIL),
        )


async def probe(tab: Tab, since: int) -> None:
    """Send a harmless event and wait for its echo: everything queued before it has run."""
    marker = uuid.uuid4().hex
    await tab.send(f"{MANAGER_STATE}.set_reason", value=marker)

    def echoed(update: dict[str, Any]) -> bool:
        return (update.get("delta") or {}).get(MANAGER_STATE, {}).get("reason_rx_state_") == marker

    await tab.wait_for(echoed, since=since)


async def answer(tab: Tab, handler: str, arguments: dict[str, Any]) -> tuple[str, str] | None:
    """Send one handler call; the refusal it (or an event it chained) got.

    Reflex runs one tab's events in order. The first probe's echo means the handler has run;
    an event the handler chained (``open_order`` opens the accept form) is queued behind that
    probe, so a second probe waits for it too.
    """
    mark = await tab.send(handler, **arguments)
    await probe(tab, mark)
    await probe(tab, mark)
    answers = [found for update in tab.updates[mark:] if (found := refusal(update))]
    return answers[0] if answers else None


def is_refused(found: tuple[str, str] | None, caller: str) -> bool:
    if found is None:
        return False
    kind, detail = found
    if caller == "anonymous":
        return found == ("redirect", "/signin")
    return (kind == "toast" and ROLE_REFUSED in detail) or found == ("redirect", "/kds")


# Who calls, and whose handlers they try. The kitchen display (and its "need more time") is
# Kitchen Staff's own screen, so only the anonymous tab tries it.
CALLERS: dict[str, list[type[rx.State]]] = {
    "anonymous": [*STAFF_STATES, KitchenState, MoreTimeState],
    "kitchen staff": STAFF_STATES,
}


def test_every_exclusion_names_a_real_handler() -> None:
    """A renamed or removed handler must leave the exclusion list too."""
    stale = [
        f"{cls.__name__}.{name}"
        for cls, name in HARMLESS
        if name not in cls.event_handlers or cls not in CALLERS["anonymous"]
    ]
    assert not stale


def test_setvar_reaches_only_the_enumerated_setters() -> None:
    """Reflex's generic ``setvar`` event calls ``set_<var>``; no such method may exist beside
    the app's own, enumerated handlers (no automatic setters)."""
    unlisted = [
        f"{cls.__name__}.set_{name}"
        for cls in CALLERS["anonymous"]
        for name in cls.base_vars
        if hasattr(cls, f"set_{name}") and f"set_{name}" not in handlers(cls)
    ]
    assert not unlisted


@pytest.mark.parametrize("caller", CALLERS)
async def test_no_staff_handler_serves_a_caller_without_the_role(
    backend: Backend, targets: Targets, tabs, caller: str
) -> None:
    token = ""
    if caller == "kitchen staff":
        token = session_token(backend.engine, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD)
    before = database_rows(backend.engine)
    tab = tabs()
    await tab.open("/manage", session_token=token)
    called, served = 0, []
    for cls in CALLERS[caller]:
        for name in handlers(cls):
            found = await answer(tab, f"{cls.get_full_name()}.{name}", payload(cls, name, targets))
            called += 1
            harmless = (cls, name) in HARMLESS
            if not harmless and not is_refused(found, caller):
                served.append(f"{cls.__name__}.{name} -> {found}")
    assert not served, "handlers that did not refuse:\n" + "\n".join(served)
    assert database_rows(backend.engine) == before
    assert called > 100  # the enumeration found the handlers


async def test_the_set_up_form_cannot_make_a_second_business(backend: Backend, tabs) -> None:
    """An installed system refuses the first-run form to anyone: no new business, no Owner."""
    before = database_rows(backend.engine)
    tab = tabs()
    await tab.open("/setup")
    form = {
        "business_name": "Takeover Pty Ltd",
        "owner_name": "Mallory",
        "email": "mallory@example.com",
        "password": "takeover-password-1",
        "password_again": "takeover-password-1",
    }
    await answer(tab, f"{SetupState.get_full_name()}.submit", {"form": form})
    shown = [
        error
        for update in tab.updates
        if (error := (update.get("delta") or {}).get(SETUP_STATE, {}).get("error_rx_state_"))
    ]
    assert shown and "already" in shown[-1], shown
    assert database_rows(backend.engine) == before


# The smallest valid PNG: a 1x1 transparent pixel.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@pytest.mark.parametrize("caller", CALLERS)
async def test_a_photo_upload_over_http_is_refused(backend: Backend, tabs, caller: str) -> None:
    """Uploads reach their handler over ``POST /_upload``, not the websocket; same rule."""
    token = ""
    if caller == "kitchen staff":
        token = session_token(backend.engine, demo_data.KITCHEN_EMAIL, demo_data.KITCHEN_PASSWORD)
    before = database_rows(backend.engine)
    tab = tabs()
    await tab.open("/admin/menu", session_token=token)
    await tab.wait_for(refusal)  # the page's own load sends this tab away first
    mark = len(tab.updates)
    async with httpx.AsyncClient(base_url=backend.url, timeout=10) as client:
        answer = await client.post(
            "/_upload",
            headers={
                "reflex-client-token": tab.token,
                "reflex-event-handler": f"{MenuEditorState.get_full_name()}.upload_photo",
                # The tab's own browser sends its cookie with the upload (none: anonymous).
                **({"Cookie": f"{SESSION_COOKIE}={token}"} if token else {}),
            },
            files={"files": ("photo.png", PIXEL_PNG, "image/png")},
        )
    if caller == "anonymous":  # no session cookie: refused before any handler runs
        assert answer.status_code == 403, answer.text
    else:  # a member's own tab: the handler refuses the role
        assert answer.status_code == 200, answer.text
        assert is_refused(await tab.wait_for(refusal, since=mark), caller)
    assert database_rows(backend.engine) == before
