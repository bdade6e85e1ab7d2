"""Web Push notifications: which devices ring, and what is pushed to whom.

A notification is stored as a ``PushMessage`` for each device, in the same transaction as the
change that causes it, and sent by the push worker (push_delivery.py): nothing is pushed
for a change that was rolled back, and nothing waits on a push service inside a request.

Who gets what (docs/notifications.md):

* a new order in Received (placed to pay at the counter, or an Online payment confirmed): the
  devices of the truck's Order Managers (and the Owner's, on the Order Manager screen), one
  notification per truck that counts the orders waiting;
* an order waiting in Received longer than its truck's reminder threshold: the same devices,
  again every threshold until someone accepts, rejects or cancels it (``send_reminders``);
* a cancellation of an order the kitchen already has, a failed refund: the same devices;
* Ready for Pickup, more time needed (the new ready time), a rejection or a cancellation: the
  customer's device, if they asked on the tracking page; the subscription ends with the order.

Kitchen Staff never get pushes: the kitchen display is always on and chimes itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, exists, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from cliqmenu.infra import web_push
from cliqmenu.models import (
    Business,
    Order,
    PushKey,
    PushMessage,
    PushStatus,
    PushSubscription,
    Refund,
    Role,
    StaffMember,
    StaffSession,
    StaffStatus,
    StaffTruck,
    Stage,
    Truck,
    utcnow,
)
from cliqmenu.routes import MANAGE
from cliqmenu.services import money, records
from cliqmenu.services.errors import DomainError
from cliqmenu.settings import get_settings

# Who rings for a truck: the roles that work the Order Manager screen.
TRUCK_ROLES = (Role.ORDER_MANAGER, Role.OWNER)
# Vibration for a new order: three long pulses, hard to miss in a pocket.
NEW_ORDER_VIBRATION = [400, 150, 400, 150, 400]
STAFF_TTL = 60 * 60  # an hour: after that the board (and the reminder) says it better
CUSTOMER_TTL = 30 * 60
FINAL_STAGES = (Stage.DELIVERED, Stage.REJECTED, Stage.CANCELLED, Stage.EXPIRED)


@dataclass(frozen=True)
class Notice:
    """What one notification says and does, before it is addressed to devices."""

    kind: str
    title: str
    body: str
    tag: str
    url: str
    urgency: str = "high"
    ttl: int = STAFF_TTL
    badge: int | None = None
    vibrate: tuple[int, ...] = ()
    orders: tuple[int, ...] = ()  # the orders a reminder is about (withdrawn once they move)

    def payload(self) -> dict:
        """What the service worker reads (assets/sw.js); the message id is added when sent."""
        data: dict[str, object] = {
            "kind": self.kind,
            "title": self.title,
            "body": self.body,
            "tag": self.tag,
            "url": self.url,
        }
        if self.badge is not None:
            data["badge"] = self.badge
        if self.vibrate:
            data["vibrate"] = list(self.vibrate)
        if self.orders:
            data["orders"] = list(self.orders)
        return data


def vapid_key(session: Session) -> PushKey:
    """The installation's VAPID key pair, made once on first use (every process agrees)."""
    key = session.exec(select(PushKey).order_by(col(PushKey.id).desc())).first()
    if key is not None:
        return key
    private, public = web_push.new_key_pair()
    try:
        with session.begin_nested():
            key = PushKey(id=1, private_key=private, public_key=public)
            session.add(key)
    except IntegrityError:  # another process made it first: use theirs
        return session.exec(select(PushKey).order_by(col(PushKey.id).desc()).limit(1)).one()
    return key


def rotate_vapid_key(session: Session) -> int:
    """A new key pair; every device must turn notifications on again (their subscriptions were
    made for the old key, and push services refuse a push signed with another). How many
    devices were forgotten."""
    current = vapid_key(session)
    private, public = web_push.new_key_pair()
    key = PushKey(id=current.id + 1, private_key=private, public_key=public)
    session.add(key)
    session.flush()
    session.execute(delete(PushKey).where(col(PushKey.id) != key.id))
    forgotten = device_count(session)
    _delete_subscriptions(session, select(PushSubscription.id))
    return forgotten


def device_count(session: Session) -> int:
    """Devices subscribed now (the crew's and customers')."""
    return session.exec(select(func.count()).select_from(PushSubscription)).one()


def _endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def _host_allowed(host: str) -> bool:
    allowed = [name.strip().lower() for name in get_settings().push_service_hosts.split(",")]
    return any(
        name and (host == name or (name.startswith(".") and host.endswith(name)))
        for name in allowed
    )


def _device(subscription: dict) -> web_push.Device:
    """The browser's PushSubscription (its JSON), checked before the server ever POSTs to it."""
    keys = subscription.get("keys") if isinstance(subscription, dict) else None
    if not isinstance(keys, dict):
        keys = {}
    endpoint = str(subscription.get("endpoint") or "") if keys else ""
    p256dh, auth = str(keys.get("p256dh") or ""), str(keys.get("auth") or "")
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    loopback = host in ("127.0.0.1", "localhost")
    if (
        len(endpoint) > 2000
        or not (parts.scheme == "https" or (parts.scheme == "http" and loopback))
        or not _host_allowed(host)
        or not 40 <= len(p256dh) <= 200
        or not 10 <= len(auth) <= 100
    ):
        raise DomainError("This browser's push subscription cannot be used here.")
    return web_push.Device(endpoint=endpoint, p256dh=p256dh, auth=auth)


def _store(session: Session, subscription: dict, **owner) -> PushSubscription:
    device = _device(subscription)
    key = _endpoint_hash(device.endpoint)
    row = session.exec(
        select(PushSubscription).where(PushSubscription.endpoint_hash == key)
    ).first()
    if row is None:
        row = PushSubscription(endpoint_hash=key, endpoint=device.endpoint, **owner)
        session.add(row)
    else:  # the same device again (a reload, another truck, another member on a shared phone)
        for name in ("staff_id", "session_id", "truck_id", "order_id"):
            setattr(row, name, owner.get(name))
        row.business_id = owner["business_id"]
    row.p256dh, row.auth = device.p256dh, device.auth
    row.device = owner.get("device", row.device)[:200]
    session.flush()
    return row


def turn_on_for_staff(
    session: Session,
    *,
    member: StaffMember,
    session_id: int,
    truck: Truck,
    subscription: dict,
    device: str = "",
) -> PushSubscription:
    """This device rings for ``truck`` while ``member`` stays signed in on it."""
    if member.role not in TRUCK_ROLES or truck.business_id != member.business_id:
        raise DomainError("Your role gets no notifications.")
    return _store(
        session,
        subscription,
        business_id=member.business_id,
        staff_id=member.id,
        session_id=session_id,
        truck_id=truck.id,
        order_id=None,
        device=device,
    )


def turn_on_for_tracked_order(
    session: Session, *, public_id: str, subscription: dict
) -> PushSubscription:
    """From the tracking page: whoever holds the order's unguessable link may ask."""
    order = session.exec(select(Order).where(Order.public_id == public_id)).first()
    if order is None or not public_id:
        raise DomainError("This order was not found.")
    return turn_on_for_order(session, order=order, subscription=subscription)


def turn_on_for_order(session: Session, *, order: Order, subscription: dict) -> PushSubscription:
    """The customer's device hears when ``order`` is ready (or rejected, or cancelled)."""
    if order.stage in FINAL_STAGES or order.stage == Stage.AWAITING_PAYMENT:
        raise DomainError("This order has no more news to send.")
    return _store(
        session,
        subscription,
        business_id=order.business_id,
        staff_id=None,
        session_id=None,
        truck_id=None,
        order_id=order.id,
    )


def turn_off(session: Session, *, endpoint: str, staff_id: int | None = None) -> None:
    """Forget a device (its owner turned notifications off on it)."""
    query = select(PushSubscription.id).where(
        PushSubscription.endpoint_hash == _endpoint_hash(endpoint)
    )
    if staff_id is not None:
        query = query.where(PushSubscription.staff_id == staff_id)
    _delete_subscriptions(session, query)


def forget_session(session: Session, *, session_id: int) -> None:
    """Signing out ends the device's notifications."""
    _delete_subscriptions(
        session, select(PushSubscription.id).where(PushSubscription.session_id == session_id)
    )


def forget_member(session: Session, *, staff_id: int) -> None:
    """A disabled member, or one whose role changed, rings nowhere."""
    _delete_subscriptions(
        session, select(PushSubscription.id).where(PushSubscription.staff_id == staff_id)
    )


def forget_subscription(session: Session, *, subscription_id: int) -> None:
    """The push service says the device is gone (404/410)."""
    _delete_subscriptions(
        session, select(PushSubscription.id).where(PushSubscription.id == subscription_id)
    )


def _delete_subscriptions(session: Session, ids) -> None:
    ids = list(session.exec(ids))
    if not ids:
        return
    session.execute(delete(PushMessage).where(col(PushMessage.subscription_id).in_(ids)))
    session.execute(delete(PushSubscription).where(col(PushSubscription.id).in_(ids)))


def find_staff_device(session: Session, *, staff_id: int, endpoint: str) -> PushSubscription | None:
    return session.exec(
        select(PushSubscription).where(
            PushSubscription.endpoint_hash == _endpoint_hash(endpoint),
            PushSubscription.staff_id == staff_id,
        )
    ).first()


def _ringing(truck_ids) -> list:
    """Conditions for a device that rings for one of ``truck_ids``: an Order Manager's or the
    Owner's, signed in now, whose member still works at that truck (the Owner may have limited
    them to other trucks since)."""
    limited = exists().where(col(StaffTruck.staff_id) == col(StaffMember.id))
    works_here = exists().where(
        col(StaffTruck.staff_id) == col(StaffMember.id),
        col(StaffTruck.truck_id) == col(PushSubscription.truck_id),
    )
    return [
        col(PushSubscription.truck_id).in_(truck_ids),
        StaffMember.status == StaffStatus.ACTIVE,
        col(StaffMember.role).in_(TRUCK_ROLES),
        or_(col(StaffMember.role) == Role.OWNER, ~limited, works_here),
        col(StaffSession.revoked_at).is_(None),
        StaffSession.expires_at > utcnow(),
    ]


def _with_member(query):
    return query.join(StaffMember, col(StaffMember.id) == PushSubscription.staff_id).join(
        StaffSession, col(StaffSession.id) == PushSubscription.session_id
    )


def truck_devices(session: Session, truck_id: int) -> list[PushSubscription]:
    """The devices that ring for a truck: an Order Manager's or the Owner's, signed in now."""
    query = _with_member(select(PushSubscription)).where(*_ringing([truck_id]))
    return list(session.exec(query.order_by(col(PushSubscription.id))))


def ringing_devices(session: Session, truck_ids: list[int]) -> dict[tuple[int, int], int]:
    """How many devices ring for each (truck, member) among ``truck_ids``: the Owner's view."""
    query = _with_member(
        select(PushSubscription.truck_id, PushSubscription.staff_id, func.count())
    ).where(*_ringing(truck_ids))
    query = query.group_by(col(PushSubscription.truck_id), col(PushSubscription.staff_id))
    counts: dict[tuple[int, int], int] = {}
    for truck, member, count in session.exec(query):
        if truck is not None and member is not None:  # never NULL: the columns are required
            counts[(truck, member)] = count
    return counts


def customer_devices(session: Session, order_id: int) -> list[PushSubscription]:
    query = select(PushSubscription).where(PushSubscription.order_id == order_id)
    return list(session.exec(query.order_by(col(PushSubscription.id))))


def enqueue(session: Session, devices: Iterable[PushSubscription], notice: Notice) -> int:
    """Store ``notice`` for each device; a pending one with the same tag is replaced (the device
    would replace it anyway), so a burst of orders makes one push per device."""
    count = 0
    now = utcnow()
    for device in devices:
        waiting = session.exec(
            select(PushMessage).where(
                PushMessage.subscription_id == device.id,
                PushMessage.status == PushStatus.PENDING,
                col(PushMessage.claimed_by).is_(None),
                PushMessage.kind == notice.kind,
            )
        ).all()
        replaced = [m for m in waiting if m.payload.get("tag") == notice.tag]
        message = (
            replaced[0] if replaced else PushMessage(subscription_id=device.id, kind=notice.kind)
        )
        message.kind, message.payload = notice.kind, notice.payload()
        message.ttl_seconds, message.urgency = notice.ttl, notice.urgency
        message.next_attempt_at = now
        session.add(message)
        count += 1
    session.flush()
    return count


def _received_count(session: Session, truck_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Order)
        .where(Order.truck_id == truck_id, Order.stage == Stage.RECEIVED)
    ).one()


def order_url(order: Order) -> str:
    return f"{MANAGE}?order={order.id}"


def new_order(session: Session, *, order: Order) -> None:
    """An order arrived in Received: its truck's Order Managers hear it."""
    if order.stage != Stage.RECEIVED:
        return
    session.flush()
    truck = records.truck(session, order.truck_id)
    schedule_reminder(order, truck)
    business = records.business(session, order.business_id)
    waiting = _received_count(session, truck.id)
    what = _order_line(order, business)
    if order.payment_method.value == "online":
        what += " · paid online"
    if waiting > 1:
        title = f"{waiting} orders waiting · {truck.name}"
        body = f"Newest: {what}"
        url = MANAGE
    else:
        title, body, url = f"New order · {truck.name}", what, order_url(order)
    notice = Notice(
        kind="new_order",
        title=title,
        body=body,
        tag=f"received-{truck.id}",
        url=url,
        badge=waiting,
        vibrate=tuple(NEW_ORDER_VIBRATION),
    )
    enqueue(session, truck_devices(session, truck.id), notice)


def _order_line(order: Order, business: Business) -> str:
    total = money.formatter(business)(order.total_cents)
    return f"#{order.number} {order.customer_name} · {order.dining_method.label} · {total}"


def order_cancelled(session: Session, *, order: Order, was: Stage) -> None:
    """A cancellation the kitchen must see (the order was already accepted): managers hear it;
    the customer who asked hears it too."""
    order_closed(session, order=order)
    if was == Stage.RECEIVED:
        return
    truck = records.truck(session, order.truck_id)
    notice = Notice(
        kind="cancelled",
        title=f"Order #{order.number} Cancelled · {truck.name}",
        body=f"Was {was.label}. {order.close_reason}".strip(),
        tag=f"order-{order.id}",
        url=order_url(order),
    )
    enqueue(session, truck_devices(session, truck.id), notice)


def refund_failed(session: Session, *, refund: Refund) -> None:
    order = records.order(session, refund.order_id)
    truck = records.truck(session, order.truck_id)
    business = records.business(session, order.business_id)
    notice = Notice(
        kind="refund_failed",
        title=f"Refund failed · order #{order.number} · {truck.name}",
        body=f"{money.formatter(business)(refund.amount_cents)} was not refunded.",
        tag=f"refund-{refund.id}",
        url=order_url(order),
    )
    enqueue(session, truck_devices(session, truck.id), notice)


def order_moved(session: Session, *, order: Order) -> None:
    """A stage move the customer hears about: Ready for Pickup, or the end of the order."""
    if order.stage == Stage.READY_FOR_PICKUP:
        order_ready(session, order=order)
    elif order.stage in FINAL_STAGES:
        order_closed(session, order=order)


def order_ready(session: Session, *, order: Order) -> None:
    """Ready for Pickup: the customer's device rings."""
    truck = records.truck(session, order.truck_id)
    _to_customer(
        session,
        order,
        title=f"Order #{order.number} is Ready for Pickup",
        body=f"Collect it at {truck.name}.",
    )


def order_delayed(session: Session, *, order: Order, ready_around: str) -> None:
    """The crew needs more time: the customer's device hears the new ready time."""
    _to_customer(
        session,
        order,
        title=f"Order #{order.number} needs a few more minutes",
        body=f"Now ready around {ready_around}.",
    )


def order_closed(session: Session, *, order: Order) -> None:
    """A rejected or cancelled order tells the customer why; a Delivered one just ends the
    subscription. Either way the customer's device hears nothing more about this order."""
    if order.stage in (Stage.REJECTED, Stage.CANCELLED):
        truck = records.truck(session, order.truck_id)
        _to_customer(
            session,
            order,
            title=f"Order #{order.number} was {order.stage.label} by {truck.name}",
            body=order.close_reason or "Ask at the truck.",
        )
    # The last message goes out from its own row; the device itself is forgotten now.
    for device in customer_devices(session, order.id):
        device.order_id = None
        if order.stage == Stage.DELIVERED or not _has_pending(session, device.id):
            forget_subscription(session, subscription_id=device.id)


def _has_pending(session: Session, subscription_id: int) -> bool:
    return (
        session.exec(
            select(PushMessage.id).where(
                PushMessage.subscription_id == subscription_id,
                PushMessage.status == PushStatus.PENDING,
            )
        ).first()
        is not None
    )


def _to_customer(session: Session, order: Order, *, title: str, body: str) -> None:
    notice = Notice(
        kind="order_update",
        title=title,
        body=body,
        tag=f"order-{order.public_id}",
        url=f"/o/{order.public_id}",
        ttl=CUSTOMER_TTL,
    )
    enqueue(session, customer_devices(session, order.id), notice)


def send_test(session: Session, *, device: PushSubscription, truck: Truck) -> None:
    notice = Notice(
        kind="test",
        title=f"Notifications are on · {truck.name}",
        body="This device will ring for new orders.",
        tag="test",
        url=MANAGE,
        urgency="normal",
        ttl=5 * 60,
    )
    enqueue(session, [device], notice)


# Reminders: an order waiting in Received longer than its truck's threshold rings again.

REMINDER_KIND = "reminder"


def schedule_reminder(order: Order, truck: Truck, *, now: dt.datetime | None = None) -> None:
    """The order's next reminder: one threshold from now while it waits in Received."""
    on = order.stage == Stage.RECEIVED and truck.reminder_minutes > 0 and not truck.archived
    later = (now or utcnow()) + dt.timedelta(minutes=truck.reminder_minutes)
    order.remind_at = later if on else None


def stage_changed(session: Session, *, order: Order, before: Stage) -> None:
    """Every stage move (services/lifecycle.py): an order back in Received (an undone Accept)
    waits again; one that left it (accepted, rejected, cancelled) is reminded no more."""
    if order.stage == Stage.RECEIVED and before != Stage.RECEIVED:
        schedule_reminder(order, records.truck(session, order.truck_id))
    elif before == Stage.RECEIVED and order.stage != Stage.RECEIVED:
        order.remind_at = None
        _withdraw_reminders(session, order)


def _withdraw_reminders(session: Session, order: Order) -> None:
    """Reminders about ``order`` not yet taken by a push worker are not sent; one that also
    names orders still waiting is rewritten for those (a reminder already on its way cannot be
    called back)."""
    session.flush()
    truck = records.truck(session, order.truck_id)
    waiting = session.exec(
        select(PushMessage)
        .join(PushSubscription, col(PushSubscription.id) == PushMessage.subscription_id)
        .where(
            PushSubscription.truck_id == order.truck_id,
            PushMessage.kind == REMINDER_KIND,
            PushMessage.status == PushStatus.PENDING,
            col(PushMessage.claimed_by).is_(None),
        )
    ).all()
    stale = []
    for message in waiting:
        named = [int(i) for i in message.payload.get("orders") or []]
        if order.id not in named:
            continue
        left = _still_waiting(session, named)
        if left:
            message.payload = _reminder(session, truck, left).payload()
        else:
            stale.append(message.id)
    if stale:
        session.execute(
            delete(PushMessage).where(
                col(PushMessage.id).in_(stale), col(PushMessage.claimed_by).is_(None)
            )
        )


def _still_waiting(session: Session, order_ids: list[int]) -> list[int]:
    query = select(Order.id).where(col(Order.id).in_(order_ids), Order.stage == Stage.RECEIVED)
    return list(session.exec(query.order_by(col(Order.id))))


def truck_reminder_changed(session: Session, *, truck: Truck) -> None:
    """The Owner changed the threshold: the truck's waiting orders follow the new one."""
    waiting = select(Order).where(Order.truck_id == truck.id, Order.stage == Stage.RECEIVED)
    for order in session.exec(waiting):
        schedule_reminder(order, truck)


def has_due_reminders(session: Session, *, now: dt.datetime | None = None) -> bool:
    query = select(Order.id).where(_reminder_due(now or utcnow()))
    return session.exec(query.limit(1)).first() is not None


def _reminder_due(now: dt.datetime):
    return (
        col(Order.remind_at).is_not(None)
        & (col(Order.remind_at) <= now)
        & (Order.stage == Stage.RECEIVED)
    )


def send_reminders(session: Session, *, now: dt.datetime | None = None) -> int:
    """Remind the Order Managers of every order whose reminder is due; how many orders.

    Each order is claimed with one conditional UPDATE that also moves its next reminder a
    threshold on: of several workers (processes, machines) doing this at once exactly one
    matches, and it stores the notifications in the same transaction. An order that left
    Received meanwhile matches no more.
    """
    now = now or utcnow()
    due = session.exec(
        select(Order.id, Order.truck_id).where(_reminder_due(now)).order_by(col(Order.remind_at))
    ).all()
    claimed: dict[int, list[int]] = {}
    for order_id, truck_id in due:
        truck = session.get(Truck, truck_id)
        minutes = truck.reminder_minutes if truck is not None and not truck.archived else 0
        later = now + dt.timedelta(minutes=minutes) if minutes > 0 else None
        taken = session.connection().execute(
            update(Order)
            .where(col(Order.id) == order_id, _reminder_due(now))
            .values(remind_at=later)
        )
        if taken.rowcount == 1 and later is not None:
            claimed.setdefault(truck_id, []).append(order_id)
    for truck_id, order_ids in claimed.items():
        truck = records.truck(session, truck_id)
        enqueue(session, truck_devices(session, truck_id), _reminder(session, truck, order_ids))
    return sum(len(ids) for ids in claimed.values())


def _reminder(session: Session, truck: Truck, order_ids: list[int]) -> Notice:
    orders = sorted((records.order(session, i) for i in order_ids), key=lambda o: o.number)
    business = records.business(session, truck.business_id)
    waiting = _received_count(session, truck.id)
    if waiting == 1:
        title = f"Still waiting · {truck.name}"
        body = f"{_order_line(orders[0], business)} is not accepted yet."
        url = order_url(orders[0])
    else:
        title = f"{waiting} orders waiting · {truck.name}"
        names = ", ".join(f"#{o.number} {o.customer_name}" for o in orders)
        body = f"Not accepted yet: {names}."
        url = MANAGE
    notice = Notice(
        kind=REMINDER_KIND,
        title=title,
        body=body,
        tag=f"received-{truck.id}",  # replaces the new order's notification on the device
        url=url,
        ttl=max(60, truck.reminder_minutes * 60),  # the next reminder says it better
        badge=waiting,
        vibrate=tuple(NEW_ORDER_VIBRATION),
        orders=tuple(o.id for o in orders),
    )
    return notice
