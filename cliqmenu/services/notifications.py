"""Web Push notifications: which devices ring, and what is pushed to whom.

A notification is stored as a ``PushMessage`` for each device, in the same transaction as the
change that causes it, and sent by the push worker (push_delivery.py): nothing is pushed
for a change that was rolled back, and nothing waits on a push service inside a request.

Who gets what (docs/notifications.md):

* a new order in Received (placed to pay at the counter, or an Online payment confirmed): the
  devices of the truck's Order Managers (and the Owner's, on the Order Manager screen), one
  notification per truck that counts the orders waiting;
* a cancellation of an order the kitchen already has, a failed refund: the same devices;
* Ready for Pickup, more time needed (the new ready time), a rejection or a cancellation: the
  customer's device, if they asked on the tracking page; the subscription ends with the order.

Kitchen Staff never get pushes: the kitchen display is always on and chimes itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, func
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
    Stage,
    Truck,
    utcnow,
)
from cliqmenu.routes import MANAGE
from cliqmenu.services import money
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

    def payload(self) -> dict:
        """What the service worker reads (assets/sw.js); the message id is added when sent."""
        data = {"kind": self.kind, "title": self.title, "body": self.body, "tag": self.tag}
        data["url"] = self.url
        if self.badge is not None:
            data["badge"] = self.badge
        if self.vibrate:
            data["vibrate"] = list(self.vibrate)
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
        key = session.exec(select(PushKey).order_by(col(PushKey.id).desc())).first()
    return key


def rotate_vapid_key(session: Session) -> PushKey:
    """A new key pair; every device must turn notifications on again (their subscriptions were
    made for the old key, and push services refuse a push signed with another)."""
    current = vapid_key(session)
    private, public = web_push.new_key_pair()
    key = PushKey(id=current.id + 1, private_key=private, public_key=public)
    session.add(key)
    session.execute(delete(PushKey).where(col(PushKey.id) != key.id))
    _delete_subscriptions(session, select(PushSubscription.id))
    return key


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


def truck_devices(session: Session, truck_id: int) -> list[PushSubscription]:
    """The devices that ring for a truck: an Order Manager's or the Owner's, signed in now."""
    now = utcnow()
    query = (
        select(PushSubscription)
        .join(StaffMember, col(StaffMember.id) == PushSubscription.staff_id)
        .join(StaffSession, col(StaffSession.id) == PushSubscription.session_id)
        .where(
            PushSubscription.truck_id == truck_id,
            StaffMember.status == StaffStatus.ACTIVE,
            col(StaffMember.role).in_(TRUCK_ROLES),
            col(StaffSession.revoked_at).is_(None),
            StaffSession.expires_at > now,
        )
        .order_by(col(PushSubscription.id))
    )
    return list(session.exec(query))


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
        message = replaced[0] if replaced else PushMessage(subscription_id=device.id)
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
    truck = session.get(Truck, order.truck_id)
    business = session.get(Business, order.business_id)
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
    truck = session.get(Truck, order.truck_id)
    notice = Notice(
        kind="cancelled",
        title=f"Order #{order.number} Cancelled · {truck.name}",
        body=f"Was {was.label}. {order.close_reason}".strip(),
        tag=f"order-{order.id}",
        url=order_url(order),
    )
    enqueue(session, truck_devices(session, truck.id), notice)


def refund_failed(session: Session, *, refund: Refund) -> None:
    order = session.get(Order, refund.order_id)
    truck = session.get(Truck, order.truck_id)
    business = session.get(Business, order.business_id)
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
    truck = session.get(Truck, order.truck_id)
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
        truck = session.get(Truck, order.truck_id)
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
