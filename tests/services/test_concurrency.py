"""Two managers tap Accept on the same order at the same moment, on separate connections."""

from __future__ import annotations

import threading

from sqlmodel import Session, select

from cliqmenu.models import AuditEvent, Order, StaffMember, Stage
from cliqmenu.services import lifecycle
from cliqmenu.services.errors import Conflict
from tests.factories import place


def test_simultaneous_accepts_let_exactly_one_through(engine, session, world):
    order = place(session, world=world)
    session.commit()
    session.close()  # no open transaction of ours may hold the database while the threads run

    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def tap_accept(name: str, actor_id: int, prep_minutes: int) -> None:
        with Session(engine, expire_on_commit=False) as request:
            start.wait(timeout=10)
            try:
                actor = request.get(StaffMember, actor_id)
                lifecycle.accept(
                    request,
                    actor=actor,
                    order_id=order.id,
                    changes=lifecycle.AcceptChanges(prep_minutes=prep_minutes),
                )
                request.commit()
                outcomes[name] = "accepted"
            except Exception as error:  # reported below, whatever it is
                request.rollback()
                outcomes[name] = error

    threads = [
        threading.Thread(target=tap_accept, args=(world.manager.name, world.manager.id, 10)),
        threading.Thread(target=tap_accept, args=(world.owner.name, world.owner.id, 20)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [name for name, outcome in outcomes.items() if outcome == "accepted"]
    losers = {name: outcome for name, outcome in outcomes.items() if outcome != "accepted"}
    assert len(winners) == 1, outcomes
    [(_, error)] = losers.items()
    assert isinstance(error, Conflict), outcomes
    assert str(error) == f"Order #{order.number} is already In Progress by {winners[0]}."

    with Session(engine) as check:
        stored = check.get(Order, order.id)
        accepted_events = check.exec(
            select(AuditEvent).where(
                AuditEvent.order_id == order.id, AuditEvent.action == "order.accepted"
            )
        ).all()
        assert stored.stage == Stage.IN_PROGRESS
        assert stored.prep_minutes == {world.manager.name: 10, world.owner.name: 20}[winners[0]]
        assert len(accepted_events) == 1
        assert accepted_events[0].actor_label.startswith(winners[0])
