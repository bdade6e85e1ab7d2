"""The push side of a live screen: the version guard, what a push sends to the browser, and
the registry's pruning by age."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from typing import Any

import pytest
import reflex as rx
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.utils import format

from cliqmenu.realtime import Audience, registry
from cliqmenu.realtime.registry import MemoryRegistry, RedisRegistry, max_age_seconds
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.state.manager import ManagerState
from cliqmenu.views.boards import KitchenBoard, KitchenCard, ManagerBoard, OrderCard, order_row
from tests.state.support import substate

# The machine's (and CI's) Redis; the registry's scaled-out half is tested against it.
REDIS_URL = os.environ.get("REFLEX_REDIS_URL") or "redis://127.0.0.1:6379"

TRUCK = 7


def card(number: int, stage: str = "received", kitchen_note: str = "") -> OrderCard:
    return OrderCard(
        id=number,
        number=number,
        stage=stage,
        stage_label=stage.replace("_", " ").title(),
        customer_name=f"Customer {number}",
        customer_email="",
        customer_phone="",
        dining_method="takeaway",
        dining_label="Takeaway",
        payment_method="cash_at_counter",
        payment_label="Cash at Counter",
        payment_status="unpaid",
        source="api",
        placed_at_ms=0,
        accepted_at_ms=0,
        promised_at_ms=0,
        prep_minutes=0,
        subtotal="$12.00",
        discount="",
        surcharge="",
        total="$12.00",
        gst="$1.09",
        subtotal_cents=1200,
        money={"subtotal": "$12.00", "total": "$12.00", "gst": "$1.09"},
        kitchen_note=kitchen_note,
        internal_note="",
        close_reason="",
        refund_needed=False,
    )


def board_of(*cards: OrderCard, truck: int = TRUCK) -> ManagerBoard:
    """A pushed board, built as ``views.manager_board`` builds it: rows by stage, cards by id."""
    board = ManagerBoard(truck_id=truck)
    for full in cards:
        getattr(board, full.stage).append(order_row(full))
        board.cards[full.id] = full
    return board


def view(*numbers: int, truck: int = TRUCK) -> ManagerBoard:
    return board_of(*(card(n) for n in numbers), truck=truck)


@pytest.fixture
def board() -> ManagerState:
    """A manager board that shows truck 7 at version 1000, with order #1 Received."""
    root = rx.State(_reflex_internal_init=True)
    state = substate(root, ManagerState)
    state._truck_id = TRUCK
    state._version = 1000
    state._show(view(1))
    state.last_sync_ms = 0
    return state


def shown(state: ManagerState) -> list[int]:
    return [c.number for c in state.received]


async def test_a_newer_view_of_the_truck_shown_is_taken(board: ManagerState) -> None:
    await board._receive_view(Audience("manager", TRUCK), view(1, 2), 1001)

    assert shown(board) == [1, 2]
    assert board._version == 1001
    assert board.last_sync_ms > 0
    assert board.counts["received"] == 2


@pytest.mark.parametrize("version", [999, 1000], ids=["older", "same"])
async def test_an_older_or_repeated_view_is_ignored(board: ManagerState, version: int) -> None:
    """Two workers may push one audience at once; the later read must win on the screen."""
    await board._receive_view(Audience("manager", TRUCK), view(), version)

    assert shown(board) == [1]
    assert board._version == 1000
    assert board.last_sync_ms == 0


@pytest.mark.parametrize(
    "audience",
    [Audience("manager", TRUCK + 1), Audience("kitchen", TRUCK)],
    ids=["another truck", "another audience kind"],
)
async def test_a_view_for_another_audience_is_ignored(
    board: ManagerState, audience: Audience
) -> None:
    """A tab that switched trucks may still be registered under the old one for a while."""
    await board._receive_view(audience, view(5, 6, truck=audience.key), 2000)

    assert shown(board) == [1]
    assert board._version == 1000


async def test_versions_are_kept_per_screen_after_a_taken_push(board: ManagerState) -> None:
    await board._receive_view(Audience("manager", TRUCK), view(1, 2, 3), 3000)
    await board._receive_view(Audience("manager", TRUCK), view(1), 2500)  # a late, older round

    assert shown(board) == [1, 2, 3]


def kai_cooking() -> KitchenCard:
    """Order #9 on the kitchen display, In Progress."""
    return KitchenCard(
        id=9,
        number=9,
        stage="in_progress",
        customer_first_name="Kai",
        dining_label="Takeaway",
        accepted_at_ms=0,
        prep_minutes=10,
        warn_ms=0,
        late_ms=0,
        kitchen_note="",
        cancelled=False,
    )


async def test_the_kitchen_display_has_the_same_guard() -> None:
    root = rx.State(_reflex_internal_init=True)
    kitchen = substate(root, KitchenState)
    kitchen._truck_id, kitchen._version = TRUCK, 50
    pushed = KitchenBoard(
        truck_id=TRUCK,
        cards=[kai_cooking()],
        recallable=[3],
    )

    await kitchen._receive_view(Audience("manager", TRUCK), pushed, 60)
    await kitchen._receive_view(Audience("kitchen", TRUCK), pushed, 40)
    assert kitchen.cards == [] and kitchen.recallable == []

    await kitchen._receive_view(Audience("kitchen", TRUCK), pushed, 60)
    assert [c.number for c in kitchen.cards] == [9] and kitchen.recallable == [3]
    assert kitchen.open_count == 1


def sent(state: rx.State) -> dict[str, Any]:
    """What the next delta carries of ``state`` to the browser, as the browser reads it, by var;
    the state is clean after."""
    delta = json.loads(format.json_dumps(state.get_delta())).get(state.get_full_name(), {})
    state._clean()
    return {key.removesuffix(FIELD_MARKER): value for key, value in delta.items()}


@pytest.fixture
def busy_board() -> ManagerState:
    """A board shown and sent: #1 Received, #2 In Progress, #3 Delivered."""
    root = rx.State(_reflex_internal_init=True)
    state = substate(root, ManagerState)
    state._truck_id, state._version = TRUCK, 1000
    state._show(busy(card(2, "in_progress")))
    sent(state)
    return state


def busy(*changed: OrderCard) -> ManagerBoard:
    """The busy board, with ``changed`` cards in place of (or beside) its own."""
    cards = {c.id: c for c in (card(1), card(2, "in_progress"), card(3, "delivered"), *changed)}
    return board_of(*cards.values())


async def test_a_push_sends_only_the_stage_list_that_changed(busy_board: ManagerState) -> None:
    """Before: a new order resent all five lists (and a copy of the open tab) to every screen."""
    await busy_board._receive_view(Audience("manager", TRUCK), busy(card(4)), 1001)

    delta = sent(busy_board)
    assert set(delta) == {"received", "counts", "unseen", "last_sync_ms"}
    assert [row["number"] for row in delta["received"]] == [1, 4]
    assert delta["counts"]["received"] == 2 and delta["unseen"] == [1, 4]


async def test_an_unchanged_board_sends_nothing_but_the_live_time(
    busy_board: ManagerState,
) -> None:
    await busy_board._receive_view(Audience("manager", TRUCK), busy(), 1001)

    assert set(sent(busy_board)) == {"last_sync_ms"}


async def test_list_rows_carry_no_detail_the_open_order_has_it(busy_board: ManagerState) -> None:
    await busy_board._receive_view(Audience("manager", TRUCK), busy(card(4)), 1001)
    [row, _] = sent(busy_board)["received"]
    assert "lines" not in row and "customer_email" not in row and "kitchen_note" not in row

    busy_board._open_detail(2)
    [detail] = sent(busy_board)["selected"]
    assert detail["number"] == 2 and detail["lines"] == [] and "customer_email" in detail


async def test_the_open_order_is_resent_only_when_it_changes(busy_board: ManagerState) -> None:
    busy_board._open_detail(2)
    sent(busy_board)

    await busy_board._receive_view(Audience("manager", TRUCK), busy(card(4)), 1001)
    assert "selected" not in sent(busy_board)

    noted = card(2, "in_progress", kitchen_note="No onions")
    await busy_board._receive_view(Audience("manager", TRUCK), busy(card(4), noted), 1002)
    delta = sent(busy_board)
    assert [d["kitchen_note"] for d in delta["selected"]] == ["No onions"]
    assert "in_progress" not in delta  # the row shows no note: the list is not resent


async def test_the_open_order_closes_when_it_leaves_the_board(busy_board: ManagerState) -> None:
    busy_board._open_detail(1)
    sent(busy_board)

    without_1 = board_of(card(2, "in_progress"), card(3, "delivered"))
    await busy_board._receive_view(Audience("manager", TRUCK), without_1, 1001)

    assert busy_board.selected == []
    assert busy_board.counts["received"] == 0


async def test_the_kitchen_display_sends_only_what_changed() -> None:
    root = rx.State(_reflex_internal_init=True)
    kitchen = substate(root, KitchenState)
    kitchen._truck_id, kitchen._version = TRUCK, 50
    cooking = kai_cooking()
    await kitchen._receive_view(Audience("kitchen", TRUCK), KitchenBoard(TRUCK, [cooking]), 60)
    assert {"cards", "unseen", "open_count"} <= set(sent(kitchen))

    # Another order bumped: only the recall button's vars change, the queue is not resent.
    bumped = KitchenBoard(TRUCK, [cooking], recallable=[8], recallable_numbers=[8])
    await kitchen._receive_view(Audience("kitchen", TRUCK), bumped, 70)
    assert set(sent(kitchen)) == {
        "recallable",
        "recallable_numbers",
        "recall_label",
        "last_sync_ms",
    }


class Clock:
    """A stand-in for time.monotonic that only moves when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(registry.time, "monotonic", clock)
    return clock


def test_max_age_is_three_heartbeats_and_a_margin(configure) -> None:
    assert max_age_seconds() == 5 * 3 + 2
    configure(heartbeat_seconds=10)
    assert max_age_seconds() == 10 * 3 + 2


async def test_the_registry_drops_tokens_not_seen_for_longer_than_max_age(clock: Clock) -> None:
    tokens = MemoryRegistry()
    await tokens.add("manager:7", "quiet")
    clock.now += 10
    await tokens.add("manager:7", "beating")
    await tokens.add("kitchen:7", "quiet")  # another audience keeps its own time

    clock.now += max_age_seconds() - 10  # "quiet" on manager:7 is now exactly max_age old
    assert await tokens.tokens("manager:7") == ["quiet", "beating"]

    clock.now += 0.5
    assert await tokens.tokens("manager:7") == ["beating"]
    assert await tokens.tokens("kitchen:7") == ["quiet"]


async def test_a_heartbeat_keeps_a_token_registered(clock: Clock) -> None:
    tokens = MemoryRegistry()
    await tokens.add("manager:7", "tab")
    for _ in range(10):
        clock.now += max_age_seconds() - 1
        await tokens.add("manager:7", "tab")  # what on_load and every heartbeat do
        assert await tokens.tokens("manager:7") == ["tab"]

    clock.now += max_age_seconds() + 1
    assert await tokens.tokens("manager:7") == []


async def test_remove_and_unknown_audiences(clock: Clock) -> None:
    tokens = MemoryRegistry()
    await tokens.add("manager:7", "a")
    await tokens.add("manager:7", "b")
    await tokens.remove("manager:7", "a")
    await tokens.remove("manager:7", "never-added")
    await tokens.remove("no-such-audience", "a")

    assert await tokens.tokens("manager:7") == ["b"]
    assert await tokens.tokens("no-such-audience") == []


def two_workers() -> tuple[RedisRegistry, RedisRegistry]:
    """Two workers' registries on one Redis, as two app processes scaled out have."""
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    return RedisRegistry(REDIS_URL, namespace), RedisRegistry(REDIS_URL, namespace)


async def test_each_worker_pushes_only_to_the_screens_it_holds() -> None:
    """A pushed update relayed through another worker could overtake a newer one sent directly
    and make an order vanish from a screen: each worker pushes to its own sockets only."""
    worker_a, worker_b = two_workers()
    await worker_a.add("manager:7", "tab-on-a")
    await worker_b.add("manager:7", "tab-on-b")

    assert await worker_a.tokens("manager:7") == ["tab-on-a"]
    assert await worker_b.tokens("manager:7") == ["tab-on-b"]

    # The tab's socket dropped and came back on the other worker: its next beat moves it.
    await worker_b.add("manager:7", "tab-on-a")
    assert await worker_a.tokens("manager:7") == []
    assert sorted(await worker_b.tokens("manager:7")) == ["tab-on-a", "tab-on-b"]


async def test_a_change_is_announced_to_the_other_workers_only() -> None:
    worker_a, worker_b = two_workers()
    heard_by_a: list[tuple[str, int | str]] = []
    heard_by_b: list[tuple[str, int | str]] = []
    listeners = [
        asyncio.create_task(worker_a.listen(lambda *change: heard_by_a.append(change))),
        asyncio.create_task(worker_b.listen(lambda *change: heard_by_b.append(change))),
    ]
    try:
        async with asyncio.timeout(10):
            while not heard_by_b:  # until B has subscribed: announcements are not kept
                await worker_a.announce("manager", 7)
                await asyncio.sleep(0.05)
            await worker_a.announce("tracker", "0123")  # a tracking id stays a string
            while heard_by_b[-1] != ("tracker", "0123"):
                await asyncio.sleep(0.01)
    finally:
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)

    assert set(heard_by_b) == {("manager", 7), ("tracker", "0123")}
    assert heard_by_a == []


async def test_registering_tells_whether_the_screen_was_in_its_audience(clock: Clock) -> None:
    tokens = MemoryRegistry()
    assert not (await tokens.add("manager:7", "tab")).was_member  # a new screen
    clock.now += max_age_seconds() - 1
    assert (await tokens.add("manager:7", "tab")).was_member  # beating on time
    clock.now += max_age_seconds() + 1
    assert not (await tokens.add("manager:7", "tab")).was_member  # its beats lapsed


async def test_every_announced_change_sets_a_new_mark() -> None:
    tokens = MemoryRegistry()
    assert await tokens.change("manager:7") == 0
    await tokens.announce("manager", 7)
    first = await tokens.change("manager:7")
    await tokens.announce("manager", 7)
    assert 0 < first < await tokens.change("manager:7")
    assert (await tokens.add("manager:7", "tab")).change == await tokens.change("manager:7")
    assert await tokens.change("kitchen:7") == 0


async def test_audiences_nobody_watches_are_forgotten(clock: Clock) -> None:
    """Tracking pages come and go with every order: the registry must not grow with them."""
    tokens = MemoryRegistry()
    for number in range(100):
        await tokens.add(f"tracker:{number}", f"phone-{number}")
        await tokens.announce("tracker", number)
    clock.now += registry.SWEEP_SECONDS * 3
    await tokens.add("manager:7", "tab")

    assert list(tokens._seen) == ["manager:7"] and tokens._changes == {}
    await tokens.announce("tracker", 5)  # a mark set again is never one a screen saw before
    assert await tokens.change("tracker:5") > 100


async def test_scaled_out_registering_and_change_marks_are_shared() -> None:
    worker_a, worker_b = two_workers()
    assert not (await worker_a.add("manager:7", "tab")).was_member
    assert not (await worker_b.add("manager:7", "tab")).was_member  # moved to B: rebuilds

    await worker_a.announce("manager", 7)
    mark = await worker_b.change("manager:7")
    assert mark > 0 and (await worker_b.add("manager:7", "tab")).change == mark
    await worker_b.remove("manager:7", "tab")  # what a Redis flush does to it
    assert not (await worker_b.add("manager:7", "tab")).was_member


async def test_a_screen_that_moved_to_another_worker_rebuilds_at_its_first_beat_there() -> None:
    """Its old worker may have died with pushes meant for it: it is never taken as current."""
    worker_a, worker_b = two_workers()
    await worker_a.add("manager:7", "tab")
    assert (await worker_a.add("manager:7", "tab")).was_member
    assert not (await worker_b.add("manager:7", "tab")).was_member  # reconnected to B
    assert (await worker_b.add("manager:7", "tab")).was_member


async def test_the_screens_of_a_dead_worker_are_pruned(monkeypatch: pytest.MonkeyPatch) -> None:
    worker_a, worker_b = two_workers()
    await worker_a.beat()
    await worker_b.beat()
    await worker_a.add("manager:7", "tab-on-a")
    await worker_b.add("manager:7", "tab-on-b")
    key = worker_b._key("manager:7")

    await worker_b.beat()  # A still beats: its screen stays
    await worker_b.tokens("manager:7")
    assert await worker_b._redis.zcard(key) == 2

    later = registry.time.time() + registry.WORKER_LAPSE_SECONDS + 1
    monkeypatch.setattr(registry.time, "time", lambda: later)  # A was killed: no more beats
    await worker_b.beat()
    assert await worker_b.tokens("manager:7") == ["tab-on-b"]
    assert await worker_b._redis.zrange(key, 0, -1) == [b"tab-on-b"]  # A's entry is gone
