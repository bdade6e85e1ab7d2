"""The Order Manager's refund panel, and cancel / reject with the full refund in the same step.

Stripe calls run in background handlers (slow I/O never holds the state lock): the state lock is held only to read the
form and to show the result. One request id is made each time the panel opens and is kept until
the refund is answered, so a double tap (or a retry of the same tap) asks for one refund.
"""

from __future__ import annotations

import asyncio
import secrets

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.models import Order, RefundStatus, StaffMember, Stage
from cliqmenu.services import lifecycle, money, payments, records, refunds
from cliqmenu.services.errors import DomainError
from cliqmenu.services.refunds import AMOUNT, FULL, LINES, RefundRequest
from cliqmenu.state.auth import MANAGERS, authorize, refuse
from cliqmenu.state.board_actions import publish_truck
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.order_detail import close_order_detail
from cliqmenu.views.refunds import RefundDetail, refund_detail

COUNTER_WAYS = [["cash", "Cash handed back"], ["card_terminal", "Refunded on the card terminal"]]


def _new_request_id() -> str:
    return secrets.token_urlsafe(18)


def _truck_of(order_id: int) -> int:
    with session_scope() as session:
        return records.order(session, order_id).truck_id


class RefundState(rx.State):
    """The refund panel of the open order (Order Manager and Owner only)."""

    order_id: int = 0
    panel_open: bool = False
    busy: bool = False
    mode: str = FULL
    amount_text: str = ""
    way: str = "cash"
    reason: str = ""
    line_qty: dict[str, int] = {}
    detail: list[RefundDetail] = []
    error: str = ""
    # Cancel or reject a paid online order: refund in full in the same step (on by default).
    refund_on_close: bool = True
    _request_id: str = ""
    _close_request_id: str = ""
    # How the business writes amounts (currency, country): the amount typed is read alike.
    _money_style: tuple[str, str] = ("AUD", "AU")

    @rx.var
    def refund_total_label(self) -> str:
        if not self.detail:
            return "Refund"
        if self.mode == FULL:
            return f"Refund {self.detail[0].refundable}"
        return "Refund"

    @rx.event(background=True)
    async def open_panel(self, order_id: int):
        """Open the panel for an order: a fresh request id and the refunds as they are now."""
        async with self:
            try:
                member = await authorize(self, MANAGERS)
            except DomainError as error:
                return refuse(error)
            self.order_id, self.panel_open, self.busy = int(order_id), True, True
            self.mode, self.amount_text, self.reason, self.error = FULL, "", "", ""
            self.line_qty = {}
            self._request_id = _new_request_id()
        try:
            detail = await asyncio.to_thread(refund_detail, member, int(order_id))
        except DomainError as error:
            async with self:
                self.panel_open, self.busy = False, False
            return refuse(error)
        async with self:
            self.detail = [detail]
            self.way = detail.default_way
            self._money_style = (detail.currency, detail.country)
            self.busy = False
        return None

    @rx.event
    def close_panel(self):
        self.panel_open = False
        self.detail = []
        self._request_id = ""

    @rx.event
    def set_mode(self, mode: str | list[str]):
        mode = mode[0] if isinstance(mode, list) and mode else mode
        if mode in (FULL, AMOUNT, LINES):
            self.mode = mode
            self.error = ""

    @rx.event
    def set_amount_text(self, value: str):
        self.amount_text = str(value)[:12]

    @rx.event
    def set_way(self, value: str):
        if value in dict(COUNTER_WAYS):
            self.way = value

    @rx.event
    def set_reason(self, value: str):
        self.reason = str(value)[: refunds.MAX_REASON]

    @rx.event
    def set_refund_on_close(self, value: bool):
        self.refund_on_close = bool(value)

    @rx.event
    def change_line(self, line_id: int, delta: int):
        if not self.detail:
            return
        left = {line.id: line.left for line in self.detail[0].lines}
        key = str(int(line_id))
        if int(line_id) not in left:
            return
        wanted = self.line_qty.get(key, 0) + (1 if int(delta) > 0 else -1)
        self.line_qty = {**self.line_qty, key: max(0, min(left[int(line_id)], wanted))}

    def _request(self) -> RefundRequest:
        lines = [
            {"line_id": int(key), "quantity": qty} for key, qty in self.line_qty.items() if qty > 0
        ]
        amount = 0
        if self.mode == AMOUNT:
            amount = money.MoneyStyle(*self._money_style).parse(
                self.amount_text, what="The refund", allow_zero=False
            )
        return RefundRequest(
            request_id=self._request_id,
            kind=self.mode,
            amount_cents=amount,
            lines=lines if self.mode == LINES else [],
            reason=self.reason,
            method=self.way,
            # What this panel showed as refunded: a refund from another device since stops this one.
            seen_refunded_cents=self.detail[0].refunded_cents if self.detail else None,
        )

    @rx.event(background=True)
    async def submit(self):
        """Ask for the refund shown; a second tap while the first runs does nothing."""
        async with self:
            try:
                member = await authorize(self, MANAGERS)
            except DomainError as error:
                return refuse(error)
            if self.busy or not self.panel_open or not self._request_id:
                return None
            try:
                request = self._request()
            except DomainError as error:
                self.error = str(error)
                return refuse(error)
            order_id = self.order_id
            self.busy, self.error = True, ""
        try:
            refund = await asyncio.to_thread(
                refunds.run_refund,
                sessions=session_scope,
                actor=member,
                order_id=order_id,
                request=request,
            )
            detail = await asyncio.to_thread(refund_detail, member, order_id)
        except DomainError as error:
            # Another device refunded since this panel was read: show the money as it is now,
            # so the next confirm is made on what is left.
            fresh = None
            if isinstance(error, refunds.RefundRaced):
                fresh = await asyncio.to_thread(refund_detail, member, order_id)
            async with self:
                self.busy, self.error = False, str(error)
                if fresh is not None:
                    self.detail = [fresh]
                # The request was refused before anything was recorded: a new one may follow.
                self._request_id = _new_request_id()
            return refuse(error)
        except Exception:
            # Unknown: the refund may be recorded. The same request id stays, so trying again
            # finds it instead of refunding twice.
            async with self:
                self.busy, self.error = False, "Something went wrong. Try again."
            raise
        publish_truck(await asyncio.to_thread(_truck_of, order_id))
        async with self:
            self.detail = [detail]
            self.busy = False
            self.mode, self.amount_text, self.reason, self.line_qty = FULL, "", "", {}
            self._request_id = _new_request_id()
        if refund.status == RefundStatus.FAILED:
            return rx.toast.error(
                f"The refund failed: {refund.error or 'Stripe refused it.'}", duration=8000
            )
        if refund.status == RefundStatus.PENDING:
            return rx.toast.info("The refund is pending at Stripe; it updates here when settled.")
        return rx.toast.success("Refunded.")

    @rx.event(background=True)
    async def mark_paid_at_counter(self, order_id: int):
        """The money for a counter order was taken (so it can be refunded later)."""
        async with self:
            try:
                member = await authorize(self, MANAGERS)
            except DomainError as error:
                return refuse(error)

        def record() -> int:
            with session_scope() as session:
                order = payments.record_counter_payment(
                    session, actor=member, order_id=int(order_id)
                )
                return order.truck_id

        try:
            truck_id = await asyncio.to_thread(record)
        except DomainError as error:
            return refuse(error)
        publish_truck(truck_id)
        return None

    async def _close(self, order_id: int, expected: str, move: str):
        async with self:
            if self.busy:
                return None
            try:
                member = await authorize(self, MANAGERS)
            except DomainError as error:
                return refuse(error)
            manager = await self.get_state(ManagerState)
            reason, with_refund = manager.reason, self.refund_on_close
            if not self._close_request_id:
                self._close_request_id = _new_request_id()
            request_id = self._close_request_id
            self.busy = True
        stage = Stage(expected)

        def close(session, actor: StaffMember) -> Order:
            if move == "reject":
                return lifecycle.reject(session, actor=actor, order_id=int(order_id), reason=reason)
            return lifecycle.cancel(
                session, actor=actor, order_id=int(order_id), expected=stage, reason=reason
            )

        def run():
            if not with_refund:
                with session_scope() as session:
                    close(session, member)
                return None
            return refunds.run_refund(
                sessions=session_scope,
                actor=member,
                order_id=int(order_id),
                request=RefundRequest(request_id=request_id, kind=FULL, reason=reason),
                before=close,
            )

        try:
            refund = await asyncio.to_thread(run)
        except DomainError as error:
            async with self:
                self.busy = False
                self._close_request_id = ""
            return refuse(error)
        # Closing gives the order's portions back: customers may see the count again.
        publish_truck(await asyncio.to_thread(_truck_of, int(order_id)), menu=True)
        async with self:
            self.busy = False
            self._close_request_id = ""
            self.refund_on_close = True
            await close_order_detail(self)
            manager = await self.get_state(ManagerState)
            manager.reason = ""
        if refund is not None and refund.status == RefundStatus.FAILED:
            return rx.toast.error(
                f"The order is closed but the refund failed: {refund.error}", duration=10000
            )
        return None

    @rx.event(background=True)
    async def cancel_order(self, order_id: int, expected: str):
        """Cancel a paid online order, refunding it in full in the same step when chosen."""
        return await self._close(order_id, expected, "cancel")

    @rx.event(background=True)
    async def reject_order(self, order_id: int):
        """Reject a paid online order, refunding it in full in the same step when chosen."""
        return await self._close(order_id, Stage.RECEIVED.value, "reject")
