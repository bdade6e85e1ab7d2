"""Order history (/manage/history): a row per order, and each order's audit trail in words."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cliqmenu.models import STAGE_LABELS, AuditEvent, Order, Stage
from cliqmenu.services.money import MoneyStyle

ACTION_LABELS = {
    "order.placed": "Placed",
    "order.accepted": "Accepted",
    "order.changed": "Changed before Accept",
    "order.cooking_done": "Cooking Done",
    "order.ready_for_pickup": "Ready for Pickup",
    "order.delivered": "Delivered",
    "order.recalled": "Recalled by the kitchen",
    "order.undone": "Last move undone",
    "order.rejected": "Rejected",
    "order.cancelled": "Cancelled",
}


@dataclass
class HistoryRow:
    id: int
    number: int
    day: str
    customer: str
    stage_label: str
    total: str


@dataclass
class AuditRow:
    when: str
    who: str
    what: str
    change: str
    reason: str


def history_row(order: Order, show: MoneyStyle) -> HistoryRow:
    return HistoryRow(
        id=order.id,
        number=order.number,
        day=order.service_date.strftime("%d %b"),
        customer=order.customer_name,
        stage_label=order.stage.label,
        total=show(order.total_cents),
    )


def _value_text(value) -> str:
    if isinstance(value, str) and value in {s.value for s in Stage}:
        return STAGE_LABELS[Stage(value)]
    return str(value)


def audit_row(event: AuditEvent, zone: ZoneInfo) -> AuditRow:
    changes = [
        f"{key.replace('_', ' ')}: {_value_text(event.before.get(key, '—'))} → {_value_text(value)}"
        for key, value in event.after.items()
        if event.before.get(key) != value and key in event.before
    ]
    return AuditRow(
        when=event.at.astimezone(zone).strftime("%d %b %H:%M:%S"),
        who=event.actor_label,
        what=ACTION_LABELS.get(event.action, event.action),
        change="; ".join(changes),
        reason=event.reason,
    )
