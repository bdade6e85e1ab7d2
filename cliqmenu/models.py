"""The data model of the whole product: plain SQLModel tables. Money in integer cents, UTC times."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel


def system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# The app's one clock: everything that asks what time it is asks ``utcnow``. Tests set another
# (a clock that steps, or crosses a daylight-saving change: tests/services/test_clock.py).
clock = system_now


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC."""
    return clock()


class UTCDateTime(sa.TypeDecorator):
    """Timezone-aware UTC on every database (SQLite keeps no zone, so one is put back)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use UTC-aware datetimes")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


def _label(enum: type[StrEnum], **kwargs: Any) -> Any:
    """An enum column stored as plain text (no database enum types to migrate).

    Loaded rows get enum members back (a bare String column would hand back ``str``).
    """
    column_type = sa.Enum(
        enum,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )
    return Field(sa_type=column_type, **kwargs)


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


class Role(StrEnum):
    OWNER = "owner"
    ORDER_MANAGER = "order_manager"
    KITCHEN_STAFF = "kitchen_staff"

    @property
    def label(self) -> str:
        return {"owner": "Owner", "order_manager": "Order Manager"}.get(self.value, "Kitchen Staff")


class StaffStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    DISABLED = "disabled"


class Stage(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    COOKING_DONE = "cooking_done"
    READY_FOR_PICKUP = "ready_for_pickup"
    DELIVERED = "delivered"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.AWAITING_PAYMENT: "Awaiting Payment",
    Stage.RECEIVED: "Received",
    Stage.IN_PROGRESS: "In Progress",
    Stage.COOKING_DONE: "Cooking Done",
    Stage.READY_FOR_PICKUP: "Ready for Pickup",
    Stage.DELIVERED: "Delivered",
    Stage.REJECTED: "Rejected",
    Stage.CANCELLED: "Cancelled",
    Stage.EXPIRED: "Expired",
}

# The five stages a customer and the crew see, in order.
BOARD_STAGES = (
    Stage.RECEIVED,
    Stage.IN_PROGRESS,
    Stage.COOKING_DONE,
    Stage.READY_FOR_PICKUP,
    Stage.DELIVERED,
)


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class PaymentMethod(StrEnum):
    CASH_AT_COUNTER = "cash_at_counter"
    CARD_AT_COUNTER = "card_at_counter"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {
            "cash_at_counter": "Cash at Counter",
            "card_at_counter": "Card at Counter",
        }.get(self.value, "Online")


class DiningMethod(StrEnum):
    DINE_IN = "dine_in"
    TAKEAWAY = "takeaway"
    DELIVERY = "delivery"

    @property
    def label(self) -> str:
        return {"dine_in": "Dine-in", "takeaway": "Takeaway"}.get(self.value, "Delivery")


class OrderSource(StrEnum):
    CUSTOMER = "customer"
    API = "api"
    WALK_IN = "walk_in"


class DiscountKind(StrEnum):
    AMOUNT = "amount"
    PERCENT = "percent"


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class EmailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    PRINTED = "printed"
    FAILED = "failed"


class PushStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class PrintStatus(StrEnum):
    PENDING = "pending"
    PRINTED = "printed"


class Business(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    logo_url: str | None = None
    currency: str = Field(default="AUD", max_length=3)
    timezone: str = Field(default="Australia/Sydney", max_length=64)
    # Where it trades (ISO 3166 code): the locale its amounts are written in and its GST rate.
    country: str = Field(default="AU", max_length=2)
    gst_registered: bool = True
    # Surcharges in basis points (250 = 2.5%); cash is always 0.
    card_surcharge_bp: int = 0
    online_surcharge_bp: int = 0
    stripe_secret_key: str | None = None
    stripe_publishable_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_account_id: str | None = None
    created_at: dt.datetime = _when(default_factory=utcnow)


class Truck(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    name: str = Field(max_length=120)
    slug: str = Field(max_length=64, unique=True)
    timezone: str | None = Field(default=None, max_length=64)
    accepts_cash: bool = True
    accepts_card: bool = True
    accepts_online: bool = False
    default_prep_minutes: int = 10
    # Kitchen timer: amber once this share of the prep time has passed, red when it is over.
    kds_amber_percent: int = 75
    kds_red_percent: int = 100
    # Customers see "Only 3 left" once an item's counted portions are at or below this; 0: never.
    low_portions_at: int = 5
    # An order unaccepted this many minutes in Received is pushed again to the Order Managers,
    # and again every as many minutes until someone acts; 0: no reminders.
    reminder_minutes: int = 3
    # The pickup board (/t/<slug>/board) shows the customer's first name beside the number.
    board_first_names: bool = False
    busy_until: dt.datetime | None = _when(default=None)
    archived: bool = False
    # Pacing (services/slots.py): at most this many orders / items per 15-minute slot; None: off.
    slot_order_limit: int | None = None
    slot_item_limit: int | None = None


class StaffMember(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=120)
    mobile: str | None = Field(default=None, max_length=32)
    role: Role = _label(Role)
    status: StaffStatus = _label(StaffStatus, default=StaffStatus.INVITED)
    password_hash: str | None = None
    created_at: dt.datetime = _when(default_factory=utcnow)
    accepted_at: dt.datetime | None = _when(default=None)


class StaffTruck(SQLModel, table=True):
    """Limits a member to some trucks; a member with no rows may work at every truck."""

    staff_id: int = Field(foreign_key="staffmember.id", primary_key=True)
    truck_id: int = Field(foreign_key="truck.id", primary_key=True)


class Invitation(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staffmember.id", index=True)
    jti: str = Field(max_length=64, unique=True)
    invited_by_id: int | None = Field(default=None, foreign_key="staffmember.id")
    created_at: dt.datetime = _when(default_factory=utcnow)
    expires_at: dt.datetime = _when()
    used_at: dt.datetime | None = _when(default=None)


class StaffSession(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staffmember.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    device: str = Field(default="", max_length=200)
    created_at: dt.datetime = _when(default_factory=utcnow)
    expires_at: dt.datetime = _when()
    revoked_at: dt.datetime | None = _when(default=None)


class SessionHandoff(SQLModel, table=True):
    """A one-minute, single-use code that turns into a session cookie (GET /api/session/<code>).

    A sign-in that happens over the websocket cannot set an HttpOnly cookie; the page takes
    this code to an HTTP route that can.
    """

    id: int = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staffmember.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    expires_at: dt.datetime = _when()
    used_at: dt.datetime | None = _when(default=None)


class SignInFailure(SQLModel, table=True):
    """One failed sign-in, counted against a limit key (a hashed email or client address)."""

    id: int = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, index=True)
    failed_at: dt.datetime = _when(default_factory=utcnow, index=True)


class MenuCategory(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    name: str = Field(max_length=80)
    position: int = 0
    archived: bool = False


class MenuItem(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    category_id: int = Field(foreign_key="menucategory.id", index=True)
    name: str = Field(max_length=120)
    description: str = ""
    price_cents: int
    photo_url: str | None = None
    dietary_tags: list[str] = _json(list)
    allergens: list[str] = _json(list)
    position: int = 0
    archived: bool = False


class CustomizationGroup(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="menuitem.id", index=True)
    name: str = Field(max_length=80)
    min_choices: int = 0
    max_choices: int = 1
    required: bool = False
    position: int = 0
    archived: bool = False


class CustomizationOption(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="customizationgroup.id", index=True)
    name: str = Field(max_length=80)
    price_delta_cents: int = 0
    position: int = 0
    archived: bool = False


class TruckItemOverride(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("truck_id", "item_id"),)

    id: int = Field(default=None, primary_key=True)
    truck_id: int = Field(foreign_key="truck.id", index=True)
    item_id: int = Field(foreign_key="menuitem.id")
    price_cents: int | None = None
    offered: bool | None = None


class TruckOptionOverride(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("truck_id", "option_id"),)

    id: int = Field(default=None, primary_key=True)
    truck_id: int = Field(foreign_key="truck.id", index=True)
    option_id: int = Field(foreign_key="customizationoption.id")
    price_delta_cents: int | None = None
    offered: bool | None = None


class ItemStock(SQLModel, table=True):
    """Stock of an item at a truck; no row means in stock with no portion count."""

    __table_args__ = (sa.UniqueConstraint("truck_id", "item_id"),)

    id: int = Field(default=None, primary_key=True)
    truck_id: int = Field(foreign_key="truck.id", index=True)
    item_id: int = Field(foreign_key="menuitem.id")
    out_of_stock: bool = False
    # Out for today only: back in stock on this service date (the truck's time zone).
    back_on: dt.date | None = None
    portions_left: int | None = None


class OptionStock(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("truck_id", "option_id"),)

    id: int = Field(default=None, primary_key=True)
    truck_id: int = Field(foreign_key="truck.id", index=True)
    option_id: int = Field(foreign_key="customizationoption.id")
    out_of_stock: bool = False
    back_on: dt.date | None = None


class Order(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("truck_id", "service_date", "number"),
        sa.UniqueConstraint("truck_id", "idempotency_key"),
        sa.Index("ix_order_truck_stage", "truck_id", "stage"),
        sa.Index("ix_order_remind_at", "remind_at"),
        sa.Index("ix_order_truck_moved_seq", "truck_id", "moved_seq"),
    )

    id: int = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    truck_id: int = Field(foreign_key="truck.id")
    number: int
    service_date: dt.date
    public_id: str = Field(max_length=32, unique=True)
    idempotency_key: str = Field(max_length=100)
    # SHA-256 of the request the key first came with (services/orders.request_fingerprint); a
    # retry must match it. None for orders placed before it was kept.
    request_hash: str | None = Field(default=None, max_length=64)
    source: OrderSource = _label(OrderSource)
    stage: Stage = _label(Stage)
    payment_status: PaymentStatus = _label(PaymentStatus, default=PaymentStatus.UNPAID)
    dining_method: DiningMethod = _label(DiningMethod)
    payment_method: PaymentMethod = _label(PaymentMethod)
    customer_name: str = Field(max_length=80)
    customer_email: str | None = Field(default=None, max_length=254)
    customer_phone: str | None = Field(default=None, max_length=32)
    prep_minutes: int | None = None
    # When the order should be ready: set at Accept (now + prep time), moved by "need more time".
    promised_at: dt.datetime | None = _when(default=None)
    # The ready time the customer was quoted when the order was placed (services/ready_time.py):
    # the promise the on-time report holds Ready for Pickup against.
    quoted_ready_at: dt.datetime | None = _when(default=None)
    subtotal_cents: int
    discount_kind: DiscountKind | None = _label(DiscountKind, default=None, nullable=True)
    discount_value: int = 0  # cents for an amount, basis points for a percent
    discount_cents: int = 0
    surcharge_bp: int = 0
    surcharge_cents: int = 0
    total_cents: int
    # The GST included in the total, and its rate when the order was priced (basis points).
    gst_cents: int = 0
    tax_bp: int = 0
    kitchen_note: str = ""
    internal_note: str = ""
    close_reason: str = ""
    refund_needed: bool = False
    cancel_acknowledged: bool = False
    # The order holds its counted portions: taken when placed, given back once if it closes unserved.
    portions_held: bool = False
    stripe_checkout_session_id: str | None = Field(default=None, max_length=255)
    # A pre-order (services/slots.py): picked up at this slot's start, sent to the kitchen at
    # release_at (pickup minus prep time) by the release job, which sets released_at once.
    pickup_at: dt.datetime | None = _when(default=None)
    release_at: dt.datetime | None = _when(default=None, index=True)
    released_at: dt.datetime | None = _when(default=None)
    placed_at: dt.datetime = _when(default_factory=utcnow)
    accepted_at: dt.datetime | None = _when(default=None)
    cooking_done_at: dt.datetime | None = _when(default=None)
    ready_at: dt.datetime | None = _when(default=None)
    delivered_at: dt.datetime | None = _when(default=None)
    closed_at: dt.datetime | None = _when(default=None)
    updated_at: dt.datetime = _when(default_factory=utcnow)
    # While it waits in Received: when its Order Managers are reminded next (None: not at all).
    remind_at: dt.datetime | None = _when(default=None)
    # Queue places by the truck's count of stage moves, not the clock (services/queue_order.py):
    # the truck's move number at this order's last stage move, and at its joining the kitchen.
    moved_seq: int | None = None
    kitchen_seq: int | None = None


class OrderLine(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    # Set when the order is stored (its lines are priced before it exists); never NULL.
    order_id: int = Field(default=None, foreign_key="order.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="menuitem.id")
    position: int = 0
    name: str = Field(max_length=120)
    base_price_cents: int
    # [{"option_id", "group", "name", "price_delta_cents"}], snapshotted at ordering.
    options: list[dict] = _json(list)
    unit_price_cents: int
    quantity: int
    line_total_cents: int
    note: str = ""
    allergens: list[str] = _json(list)
    done: bool = False
    # The kitchen station that makes it, decided when the order goes to the kitchen
    # (services/stations.py); None: the truck's default station (or it has none).
    station_id: int | None = Field(default=None, foreign_key="station.id")


class Payment(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    method: PaymentMethod = _label(PaymentMethod)
    amount_cents: int
    stripe_payment_intent_id: str | None = Field(default=None, max_length=255)
    created_at: dt.datetime = _when(default_factory=utcnow)


class Refund(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    request_id: str = Field(max_length=64, unique=True)
    amount_cents: int
    status: RefundStatus = _label(RefundStatus, default=RefundStatus.PENDING)
    # How the money went back: "stripe", "cash" or "card_terminal".
    method: str = Field(max_length=32)
    reason: str = ""
    lines: list[dict] = _json(list)
    stripe_refund_id: str | None = Field(default=None, max_length=255)
    error: str = ""
    created_by_id: int | None = Field(default=None, foreign_key="staffmember.id")
    created_at: dt.datetime = _when(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    # The Owner's audit page reads a business's events newest first, a day at a time.
    __table_args__ = (sa.Index("ix_auditevent_business_at", "business_id", "at"),)

    id: int = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="staffmember.id")
    actor_label: str = Field(max_length=120)
    action: str = Field(max_length=64)
    before: dict = _json(dict)
    after: dict = _json(dict)
    reason: str = ""
    at: dt.datetime = _when(default_factory=utcnow)


class OutboxEmail(SQLModel, table=True):
    # A delivery worker looks for pending emails whose next attempt is due.
    __table_args__ = (
        sa.Index("ix_outboxemail_due", "status", "next_attempt_at"),
        # Order confirmations per recipient in the last hour (services/order_limits.py).
        sa.Index("ix_outboxemail_to_kind_created", "to", "kind", "created_at"),
    )

    id: int = Field(default=None, primary_key=True)
    business_id: int | None = Field(default=None, foreign_key="business.id", index=True)
    kind: str = Field(max_length=32)
    to: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body_text: str
    body_html: str = ""
    status: EmailStatus = _label(EmailStatus, default=EmailStatus.PENDING)
    attempts: int = 0
    last_error: str = ""
    created_at: dt.datetime = _when(default_factory=utcnow)
    sent_at: dt.datetime | None = _when(default=None)
    # When pending: not before this time (while a worker holds it: until its claim lapses).
    next_attempt_at: dt.datetime | None = _when(default=None)
    # The claim of the worker sending it now; only that worker may record the outcome.
    claimed_by: str | None = Field(default=None, max_length=64)


class PushKey(SQLModel, table=True):
    """The installation's VAPID key pair (one row, made on first use; docs/notifications.md)."""

    id: int = Field(default=None, primary_key=True)
    private_key: str  # raw P-256 private key, base64url; never leaves the server
    public_key: str = Field(max_length=100)  # uncompressed point, base64url: the page's key
    created_at: dt.datetime = _when(default_factory=utcnow)


class PushSubscription(SQLModel, table=True):
    """One device that rings: a staff member's (tied to the session that turned it on) or a
    customer's for one order."""

    id: int = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    # Staff: the member, the session it belongs to and the truck the device works at.
    staff_id: int | None = Field(default=None, foreign_key="staffmember.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="staffsession.id", index=True)
    truck_id: int | None = Field(default=None, foreign_key="truck.id", index=True)
    # A customer: the order whose tracking page turned it on.
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    endpoint_hash: str = Field(max_length=64, unique=True)
    endpoint: str = Field(sa_type=sa.Text)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    device: str = Field(default="", max_length=200)
    created_at: dt.datetime = _when(default_factory=utcnow)
    last_sent_at: dt.datetime | None = _when(default=None)


class PushMessage(SQLModel, table=True):
    """A notification for one device, stored in the transaction of the change that causes it
    and sent by the push worker (push_delivery.py), like the email outbox."""

    __table_args__ = (sa.Index("ix_pushmessage_due", "status", "next_attempt_at"),)

    id: int = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="pushsubscription.id", index=True)
    kind: str = Field(max_length=32)
    payload: dict = _json(dict)  # what the service worker shows: title, body, tag, url, ...
    ttl_seconds: int = 3600
    urgency: str = Field(default="normal", max_length=16)
    status: PushStatus = _label(PushStatus, default=PushStatus.PENDING)
    attempts: int = 0
    last_error: str = ""
    created_at: dt.datetime = _when(default_factory=utcnow)
    sent_at: dt.datetime | None = _when(default=None)
    next_attempt_at: dt.datetime | None = _when(default=None)
    claimed_by: str | None = Field(default=None, max_length=64)


class Printer(SQLModel, table=True):
    """A network receipt printer (ESC/POS over TCP) of one truck and what it prints
    (docs/printers.md). Kitchen tickets are the whole order, or only its station's items for a
    printer tied to a station."""

    id: int = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    truck_id: int = Field(foreign_key="truck.id", index=True)
    name: str = Field(max_length=40)
    host: str = Field(max_length=253)
    port: int = 9100
    prints_kitchen: bool = True  # a kitchen ticket for every order accepted
    prints_receipts: bool = False  # customer receipts asked for from the order
    # Tied to a kitchen station: its kitchen tickets carry only that station's items.
    station_id: int | None = Field(default=None, foreign_key="station.id")
    # Set by the print worker: since when it has not answered (None: it answers), and why.
    failing_since: dt.datetime | None = _when(default=None)
    last_error: str = ""
    last_printed_at: dt.datetime | None = _when(default=None)
    created_at: dt.datetime = _when(default_factory=utcnow)


class PrintJob(SQLModel, table=True):
    """One ticket for one printer, stored with the change that causes it (an Accept, a tap on
    Print receipt) as the exact bytes to send, and sent by the print worker (print_delivery.py)
    in order, once."""

    __table_args__ = (sa.Index("ix_printjob_due", "status", "next_attempt_at"),)

    id: int = Field(default=None, primary_key=True)
    printer_id: int = Field(foreign_key="printer.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    kind: str = Field(max_length=16)  # kitchen, receipt, test
    title: str = Field(max_length=80)  # "Kitchen ticket #12", for people and logs
    data: bytes = Field(sa_type=sa.LargeBinary)  # the ESC/POS stream
    status: PrintStatus = _label(PrintStatus, default=PrintStatus.PENDING)
    attempts: int = 0
    last_error: str = ""
    created_at: dt.datetime = _when(default_factory=utcnow)
    printed_at: dt.datetime | None = _when(default=None)
    next_attempt_at: dt.datetime | None = _when(default=None)
    claimed_by: str | None = Field(default=None, max_length=64)


class Station(SQLModel, table=True):
    """A kitchen station of one truck (Grill, Fryer, Drinks): its display shows only its items
    of each order (docs/kitchen-display.md). Items no route sends elsewhere go to the default."""

    id: int = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="business.id", index=True)
    truck_id: int = Field(foreign_key="truck.id", index=True)
    name: str = Field(max_length=40)
    position: int = 0
    is_default: bool = False
    created_at: dt.datetime = _when(default_factory=utcnow)


class StationRoute(SQLModel, table=True):
    """Where a truck makes a category or an item: an item's route wins over its category's."""

    __table_args__ = (
        sa.UniqueConstraint("truck_id", "category_id"),
        sa.UniqueConstraint("truck_id", "item_id"),
    )

    id: int = Field(default=None, primary_key=True)
    truck_id: int = Field(foreign_key="truck.id", index=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    category_id: int | None = Field(default=None, foreign_key="menucategory.id")
    item_id: int | None = Field(default=None, foreign_key="menuitem.id")


class StationBump(SQLModel, table=True):
    """A station made its items of an order (its own bump); removed when it recalls them."""

    __table_args__ = (sa.UniqueConstraint("order_id", "station_id"),)

    id: int = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    station_id: int = Field(foreign_key="station.id", index=True)
    bumped_at: dt.datetime = _when(default_factory=utcnow)
    bumped_by: int | None = Field(default=None, foreign_key="staffmember.id")
