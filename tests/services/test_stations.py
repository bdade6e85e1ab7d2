"""Kitchen stations: the Owner's stations and routes, lines given their station when the order
goes to the kitchen, each station's display, bump and recall, the expo, and tickets per station."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from cliqmenu.models import (
    AuditEvent,
    MenuItem,
    Order,
    OrderLine,
    PrintJob,
    Role,
    Stage,
    Station,
)
from cliqmenu.services import lifecycle, printers, station_bumps, stations
from cliqmenu.services.errors import Conflict, DomainError, Forbidden, NotFound
from cliqmenu.services.lifecycle import AcceptChanges
from cliqmenu.services.printers import PrinterFields
from cliqmenu.views.boards import expo_board, kitchen_board, manager_board, station_board
from tests.factories import (
    World,
    line,
    make_member,
    make_stations,
    make_truck,
    make_world,
    place,
)
from tests.fake_printer import decode


@pytest.fixture
def kitchen(session: Session, world: World):
    made = make_stations(session, world=world)
    return made.grill, made.drinks, made.lemonade


def _order(session: Session, world: World, lemonade: MenuItem) -> Order:
    order = place(
        session,
        world=world,
        lines=[line(world.menu.burger, world.menu.beef, quantity=2), line(lemonade)],
    )
    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )
    session.commit()
    return order


def _names(board) -> list[list[str]]:
    return [[f"{ln.quantity} {ln.name}" for ln in card.lines] for card in board.cards]


def test_lines_go_to_their_station_and_unrouted_items_to_the_default(session, world, kitchen):
    grill, drinks, lemonade = kitchen
    assert grill.is_default and not drinks.is_default
    order = _order(session, world, lemonade)

    by_name = {ln.name: ln.station_id for ln in session.exec(select(OrderLine)).all()}
    assert by_name == {"Burger": None, "Lemonade": drinks.id}  # None: the default, Grill
    assert _names(station_board(session, grill.id)) == [["2 Burger"]]
    assert _names(station_board(session, drinks.id)) == [["1 Lemonade"]]
    assert _names(kitchen_board(session, world.truck.id)) == [["2 Burger", "1 Lemonade"]]
    assert kitchen_board(session, world.truck.id).cards[0].id == order.id


def test_an_item_route_wins_over_its_category_and_routes_are_per_truck(session, world, kitchen):
    grill, drinks, lemonade = kitchen
    stations.route(
        session,
        actor=world.owner,
        truck_id=world.truck.id,
        station_id=grill.id,
        item_id=lemonade.id,
    )
    other = make_truck(session, business=world.business, name="Beach")
    assert stations.routes_of(session, other.id).items == {}
    _order(session, world, lemonade)

    assert _names(station_board(session, grill.id)) == [["2 Burger", "1 Lemonade"]]
    assert station_board(session, drinks.id).cards == []
    # Clearing the item's route: it follows its category again, for the next orders only.
    stations.route(
        session, actor=world.owner, truck_id=world.truck.id, station_id=None, item_id=lemonade.id
    )
    session.commit()
    assert station_board(session, drinks.id).cards == []
    _order(session, world, lemonade)
    assert len(station_board(session, drinks.id).cards) == 1


def test_each_station_ticks_and_bumps_its_own_items_and_counts_its_own(session, world, kitchen):
    grill, drinks, lemonade = kitchen
    order = _order(session, world, lemonade)
    assert [c.name for c in station_board(session, grill.id).all_day] == ["Burger"]
    assert [c.name for c in station_board(session, drinks.id).all_day] == ["Lemonade"]
    (lemon_line,) = station_board(session, drinks.id).cards[0].lines
    lifecycle.tick_line(
        session, actor=world.kitchen, order_id=order.id, line_id=lemon_line.id, done=True
    )
    station_bumps.bump(session, actor=world.kitchen, order_id=order.id, station_id=drinks.id)
    session.commit()

    assert station_board(session, drinks.id).cards == []
    assert station_board(session, drinks.id).recallable_numbers == [order.number]
    assert _names(station_board(session, grill.id)) == [["2 Burger"]]
    session.refresh(order)
    assert order.stage == Stage.IN_PROGRESS  # a station's bump is not Cooking Done
    with pytest.raises(Conflict, match="Drinks has bumped order"):
        station_bumps.bump(session, actor=world.kitchen, order_id=order.id, station_id=drinks.id)
    session.rollback()
    actions = session.exec(select(AuditEvent.action, AuditEvent.after)).all()
    assert ("order.station_bumped", {"station": "Drinks"}) in actions


def test_the_expo_shows_each_station_and_its_bump_is_cooking_done(session, world, kitchen):
    grill, drinks, lemonade = kitchen
    order = _order(session, world, lemonade)

    def states():
        (card,) = expo_board(session, world.truck.id).cards
        return [(s.name, s.state) for s in card.stations], card.ready

    assert states() == ([("Grill", "waiting"), ("Drinks", "waiting")], False)
    burger_line = station_board(session, grill.id).cards[0].lines[0]
    lifecycle.tick_line(
        session, actor=world.kitchen, order_id=order.id, line_id=burger_line.id, done=True
    )
    station_bumps.bump(session, actor=world.kitchen, order_id=order.id, station_id=drinks.id)
    session.commit()
    assert states() == ([("Grill", "cooking"), ("Drinks", "done")], False)
    with pytest.raises(Conflict, match="not ready: Grill still to bump"):
        station_bumps.expo_bump(session, actor=world.kitchen, order_id=order.id)
    session.rollback()

    station_bumps.bump(session, actor=world.kitchen, order_id=order.id, station_id=grill.id)
    session.commit()
    assert states() == ([("Grill", "done"), ("Drinks", "done")], True)
    assert expo_board(session, world.truck.id).ready_count == 1
    station_bumps.expo_bump(session, actor=world.kitchen, order_id=order.id)
    session.commit()

    assert [row.id for row in manager_board(session, world.truck.id).cooking_done] == [order.id]
    assert expo_board(session, world.truck.id).recallable == [order.id]
    assert station_board(session, grill.id).cards == []


def test_recall_per_station_and_at_the_expo(session, world, kitchen):
    grill, drinks, lemonade = kitchen
    order = _order(session, world, lemonade)
    for station in (grill, drinks):
        station_bumps.bump(session, actor=world.kitchen, order_id=order.id, station_id=station.id)
    session.commit()

    station_bumps.recall(session, actor=world.kitchen, order_id=order.id, station_id=grill.id)
    session.commit()
    assert _names(station_board(session, grill.id)) == [["2 Burger"]]
    assert station_board(session, drinks.id).cards == []
    with pytest.raises(Conflict, match="Grill has not bumped"):
        station_bumps.recall(session, actor=world.kitchen, order_id=order.id, station_id=grill.id)
    session.rollback()
    station_bumps.bump(session, actor=world.kitchen, order_id=order.id, station_id=grill.id)
    station_bumps.expo_bump(session, actor=world.kitchen, order_id=order.id)
    session.commit()

    # The expo's recall is the kitchen's recall: back In Progress, the stations' bumps kept.
    lifecycle.step_back(
        session, actor=world.kitchen, order_id=order.id, expected=Stage.COOKING_DONE
    )
    session.commit()
    (card,) = expo_board(session, world.truck.id).cards
    assert card.ready and card.card.id == order.id
    actions = list(session.exec(select(AuditEvent.action)).all())
    assert "order.station_recalled" in actions and "order.recalled" in actions


def test_one_station_works_as_a_kitchen_without_stations(session, world):
    only = stations.add_station(session, actor=world.owner, truck_id=world.truck.id, name="Line")
    session.commit()
    order = place(session, world=world)
    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )
    session.commit()
    board = station_board(session, only.id)
    assert board == kitchen_board(session, world.truck.id)
    assert board.station_choices == [] and board.station_name == ""

    station_bumps.bump(session, actor=world.kitchen, order_id=order.id, station_id=only.id)
    session.commit()
    session.refresh(order)
    assert order.stage == Stage.COOKING_DONE


def test_a_station_bump_of_nothing_or_elsewhere_is_refused(session, world, kitchen):
    grill, drinks, _lemonade = kitchen
    order = place(session, world=world)  # a burger only
    lifecycle.accept(
        session, actor=world.manager, order_id=order.id, changes=AcceptChanges(prep_minutes=10)
    )
    session.commit()
    with pytest.raises(DomainError, match="has nothing for Drinks"):
        station_bumps.bump(session, actor=world.kitchen, order_id=order.id, station_id=drinks.id)
    session.rollback()
    beach = make_truck(session, business=world.business, name="Beach")
    elsewhere = stations.add_station(session, actor=world.owner, truck_id=beach.id, name="Grill")
    session.commit()
    with pytest.raises(NotFound):
        station_bumps.bump(session, actor=world.kitchen, order_id=order.id, station_id=elsewhere.id)


def test_the_owner_names_stations_and_only_the_owner(session, world):
    truck = world.truck.id
    grill = stations.add_station(session, actor=world.owner, truck_id=truck, name=" Grill ")
    assert grill.name == "Grill"
    with pytest.raises(DomainError, match="already has a station called grill"):
        stations.add_station(session, actor=world.owner, truck_id=truck, name="grill")
    with pytest.raises(DomainError, match="Give the station a name"):
        stations.add_station(session, actor=world.owner, truck_id=truck, name="  ")
    with pytest.raises(Forbidden):
        stations.add_station(session, actor=world.kitchen, truck_id=truck, name="Fryer")
    other = make_world(session, business_name="Other Co")
    with pytest.raises(NotFound):
        stations.rename_station(session, actor=other.owner, station_id=grill.id, name="Mine")
    with pytest.raises(NotFound):
        stations.add_station(session, actor=other.owner, truck_id=truck, name="Fryer")
    manager2 = make_member(session, business=world.business, role=Role.ORDER_MANAGER)
    with pytest.raises(Forbidden):
        stations.make_default(session, actor=manager2, station_id=grill.id)


def test_removing_a_station_sends_its_items_to_the_default(session, world, kitchen):
    grill, drinks, lemonade = kitchen
    order = _order(session, world, lemonade)
    stations.make_default(session, actor=world.owner, station_id=drinks.id)
    session.commit()
    assert _names(station_board(session, drinks.id)) == [["2 Burger", "1 Lemonade"]]

    assert stations.remove_station(session, actor=world.owner, station_id=drinks.id) == "Drinks"
    session.commit()
    (left,) = session.exec(select(Station)).all()
    assert left.id == grill.id and left.is_default
    assert stations.routes_of(session, world.truck.id).categories == {}
    # One station left: the truck works as one kitchen again.
    assert _names(station_board(session, grill.id)) == [["2 Burger", "1 Lemonade"]]
    assert kitchen_board(session, world.truck.id).cards[0].id == order.id
    trail = list(session.exec(select(AuditEvent.action)).all())
    assert {"station.added", "station.routed", "station.made_default", "station.removed"} <= set(
        trail
    )


def test_kitchen_tickets_print_per_station(session, world, kitchen):
    grill, drinks, lemonade = kitchen
    for name, station in (("Grill", grill.id), ("Bar", drinks.id), ("Pass", None)):
        printers.add_printer(
            session,
            actor=world.owner,
            truck_id=world.truck.id,
            fields=PrinterFields(name=name, host="127.0.0.1", port=9100, station_id=station),
        )
    session.commit()
    _order(session, world, lemonade)
    burger_only = place(session, world=world)
    lifecycle.accept(
        session,
        actor=world.manager,
        order_id=burger_only.id,
        changes=AcceptChanges(prep_minutes=10),
    )
    session.commit()

    tickets = [(job.title, decode(job.data).text) for job in session.exec(select(PrintJob))]
    assert len(tickets) == 5  # grill, bar and pass; then grill and pass (nothing for the bar)
    grill_text, bar_text, pass_text = (text for _, text in tickets[:3])
    assert "GRILL" in grill_text and "Burger" in grill_text and "Lemonade" not in grill_text
    assert "DRINKS" in bar_text and "Lemonade" in bar_text and "Burger" not in bar_text
    assert "Burger" in pass_text and "Lemonade" in pass_text


def test_a_printer_is_tied_only_to_a_station_of_its_truck(session, world, kitchen):
    beach = make_truck(session, business=world.business, name="Beach")
    elsewhere = stations.add_station(session, actor=world.owner, truck_id=beach.id, name="Grill")
    with pytest.raises(NotFound, match="No such station"):
        printers.add_printer(
            session,
            actor=world.owner,
            truck_id=world.truck.id,
            fields=PrinterFields(name="K", host="127.0.0.1", station_id=elsewhere.id),
        )
