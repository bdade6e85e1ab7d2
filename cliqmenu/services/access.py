"""Which orders and trucks a member may reach: one rule, asked by every service that takes an
order or truck id from a caller.

A member reaches the orders of the trucks they work at (``staff.trucks_for``: every truck of
their business unless the Owner limited them), and Kitchen Staff only the orders a kitchen
display shows. Anything else is answered exactly like an id that does not exist: "No such
order." names no stage, customer or truck the caller may not see.
"""

from __future__ import annotations

from sqlmodel import Session, select

from cliqmenu.models import Order, Role, StaffMember, Stage, Truck
from cliqmenu.services.errors import NotFound
from cliqmenu.services.staff import require_role, trucks_for

NO_SUCH_ORDER = "No such order."
NO_SUCH_TRUCK = "No such truck."
# What a kitchen display shows (an order cooking, one to recall, a cancellation to acknowledge).
KITCHEN_STAGES = (Stage.IN_PROGRESS, Stage.COOKING_DONE, Stage.CANCELLED)


def works_at(
    session: Session, member: StaffMember, truck_id: int, *, including_archived: bool = False
) -> bool:
    """Whether ``member`` may work at truck ``truck_id`` (archived trucks: for looking back)."""
    allowed = trucks_for(session, member, including_archived=including_archived)
    return truck_id in {truck.id for truck in allowed}


def order_for(
    session: Session,
    *,
    actor: StaffMember,
    order_id: int,
    lock: bool = False,
    including_archived: bool = False,
) -> Order:
    """The order ``order_id`` if ``actor`` may reach it (row-locked with ``lock``); else NotFound.

    ``including_archived``: an archived truck's orders stay reachable (history, refunds owed).
    """
    query = select(Order).where(Order.id == int(order_id))
    if lock:
        query = query.with_for_update()
    order = session.exec(query).first()
    if (
        order is None
        or order.business_id != actor.business_id
        or not works_at(session, actor, order.truck_id, including_archived=including_archived)
        or (actor.role == Role.KITCHEN_STAFF and order.stage not in KITCHEN_STAGES)
    ):
        raise NotFound(NO_SUCH_ORDER)
    return order


def truck_of(
    session: Session, *, actor: StaffMember, truck_id: int, including_archived: bool = False
) -> Truck:
    """The truck ``truck_id`` if ``actor`` works there; else NotFound (its name is not told)."""
    truck = session.get(Truck, int(truck_id))
    if (
        truck is None
        or truck.business_id != actor.business_id
        or not works_at(session, actor, truck.id, including_archived=including_archived)
    ):
        raise NotFound(NO_SUCH_TRUCK)
    return truck


def owner_truck(session: Session, actor: StaffMember, truck_id: int) -> Truck:
    """A truck of the Owner's business that is not archived (what the Owner sets up); else
    Forbidden for anyone but the Owner, NotFound for any other id."""
    require_role(actor, Role.OWNER)
    truck = session.get(Truck, int(truck_id))
    if truck is None or truck.business_id != actor.business_id or truck.archived:
        raise NotFound(NO_SUCH_TRUCK)
    return truck
