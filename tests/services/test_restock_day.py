""" "Out today" stock comes back at each truck's own midnight: the service, the job in every app
process (which tells open menus and stock screens), and `cliqmenu restock-day` for cron."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from cliqmenu import cli, db, restock
from cliqmenu.models import AuditEvent, ItemStock, OptionStock, utcnow
from cliqmenu.realtime import Audience
from cliqmenu.services import stock
from tests import factories
from tests.services.job_support import published_by
from tests.services.test_stock import sydney


def out_today(session: Session, world: factories.World, truck=None) -> None:
    """Fries and Bacon out "today only", marked at 6 pm on 27 November in Sydney."""
    truck = truck or world.truck
    for mark, key in ((stock.set_item_stock, "item_id"), (stock.set_option_stock, "option_id")):
        thing = world.menu.fries if key == "item_id" else world.menu.bacon
        mark(
            session,
            actor=world.manager,
            truck=truck,
            in_stock=False,
            until=stock.Until.TODAY,
            at=sydney(27, 18),
            **{key: thing.id},
        )
    session.commit()


def fries_out_since(session: Session, world: factories.World, *, days: int) -> None:
    """Fries marked out "today only" ``days`` ago (0: now) by the app's clock."""
    stock.set_item_stock(
        session,
        actor=world.manager,
        truck=world.truck,
        item_id=world.menu.fries.id,
        in_stock=False,
        until=stock.Until.TODAY,
        at=utcnow() - dt.timedelta(days=days),
    )
    session.commit()


def still_out(session: Session) -> list[bool]:
    rows = [
        *session.exec(select(ItemStock).execution_options(populate_existing=True)),
        *session.exec(select(OptionStock).execution_options(populate_existing=True)),
    ]
    return [row.out_of_stock for row in rows]


def test_out_today_comes_back_at_the_trucks_midnight_once(session, world):
    out_today(session, world)

    assert stock.restock_day(session, now=sydney(27, 23, 59)) == set()
    assert still_out(session) == [True, True]

    assert stock.restock_day(session, now=sydney(28, 0, 1)) == {world.truck.id}
    session.commit()
    assert still_out(session) == [False, False]
    assert stock.restock_day(session, now=sydney(28, 0, 2)) == set()

    events = session.exec(select(AuditEvent).where(AuditEvent.action == "stock.back_today")).all()
    assert sorted(e.after.get("item") or e.after.get("option") for e in events) == [
        "Bacon",
        "Fries",
    ]
    assert {(e.actor_label, e.before["out_of_stock"], e.after["out_of_stock"]) for e in events} == {
        ("System", True, False)
    }


def test_each_truck_comes_back_at_its_own_midnight(session, world):
    perth = factories.make_truck(
        session, business=world.business, name="Perth", timezone="Australia/Perth"
    )
    session.commit()
    out_today(session, world, truck=perth)

    # Midnight in Sydney is 9 pm in Perth: not yet.
    assert stock.restock_day(session, now=sydney(28, 0, 1)) == set()
    # 3:01 am in Sydney is 00:01 in Perth.
    assert stock.restock_day(session, now=sydney(28, 3, 1)) == {perth.id}


def test_sold_out_until_restocked_never_comes_back_by_itself(session, world):
    stock.set_item_stock(
        session, actor=world.manager, truck=world.truck, item_id=world.menu.fries.id, in_stock=False
    )
    session.commit()

    assert stock.restock_day(session, now=sydney(30, 0, 1)) == set()
    assert still_out(session) == [True]


async def test_the_app_job_tells_open_menus_and_stock_screens(
    session: Session,
    world: factories.World,
    app_database: None,
    configure: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world.truck.timezone = "UTC"
    fries_out_since(session, world, days=1)
    configure(restock_seconds=0.05)
    published = await published_by(restock, restock.restock_worker, monkeypatch, count=2)

    assert sorted(map(str, published)) == sorted(
        [str(Audience("menu", world.truck.id)), str(Audience("stock", world.truck.id))]
    )
    assert still_out(session) == [False]


def test_the_app_job_can_be_turned_off(configure: Callable[..., None]) -> None:
    configure(restock_seconds=0)
    assert asyncio.run(asyncio.wait_for(restock.restock_worker(), timeout=30)) is None


def test_cli_restock_day(cli_database: None, capsys) -> None:
    assert cli.main(["migrate"]) == 0
    with Session(db.get_engine(), expire_on_commit=False) as session:
        world = factories.make_world(session)
        session.commit()
        fries_out_since(session, world, days=2)
    assert cli.main(["restock-day"]) == 0
    assert cli.main(["restock-day"]) == 0

    out = capsys.readouterr().out
    assert '"Out today" stock back in at 1 truck(s).' in out
    assert '"Out today" stock back in at 0 truck(s).' in out
