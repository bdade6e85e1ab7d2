"""localstripe for tests and local trials: bound to 127.0.0.1, nothing written to disk.

The stock ``localstripe`` command listens on every interface and pickles its store to
/tmp/localstripe.pickle; this wrapper does neither. It also adds what localstripe lacks and
this app needs: Checkout Sessions (create, retrieve, expire), a stand-in for Stripe's hosted
payment page, webhook re-delivery, and refund failures on demand.

    python -m tests.payments.localstripe_server --port 8420   # prints "LISTENING <port>"

Test-only endpoints (never part of Stripe's API):

* ``GET /_config/checkout/<session id>``: a tiny hosted page with Pay / Decline / Cancel buttons.
* ``POST /_config/checkout/<session id>/pay`` (``card=visa|declined``, ``webhook=0`` to hold back the
  webhook): the customer pays; answers the session as JSON, or redirects a browser to the
  session's success URL.
* ``POST /_config/events/<event id>/resend``: deliver an event again (the same id, a fresh signature).
* ``POST /_config/refunds`` (``mode=error|fails_later|pending``, ``count``): the next refunds
  are refused, or accepted as pending and then fail / succeed a moment later via webhooks.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import socket

from aiohttp import web
from localstripe import resources as res
from localstripe import server as srv
from localstripe.errors import UserError
from localstripe.webhooks import schedule_webhook

# No persistence: the store lives and dies with the process.
res.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
res.Store.try_load_from_disk = lambda self: None  # type: ignore[method-assign]

PUBLIC_BASE = {"url": "http://127.0.0.1:8420"}
_events: dict[str, res.Event] = {}
_refund_plan: dict[str, object] = {"mode": "", "count": 0}


def _emit(event_type: str, obj: res.StripeObject) -> res.Event:
    event = res.Event(event_type, obj)
    _events[event.id] = event
    schedule_webhook(event)
    return event


class CheckoutSession(res.StripeObject):
    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(
        self,
        mode=None,
        line_items=None,
        success_url=None,
        cancel_url=None,
        client_reference_id=None,
        metadata=None,
        payment_intent_data=None,
        customer_email=None,
        expires_at=None,
        **kwargs,
    ):
        try:
            assert mode == "payment"
            assert isinstance(line_items, list) and line_items
            assert isinstance(success_url, str) and isinstance(cancel_url, str)
            total, currency = 0, None
            for line in line_items:
                price = line["price_data"]
                quantity = res.try_convert_to_int(line.get("quantity", 1))
                amount = res.try_convert_to_int(price["unit_amount"])
                assert isinstance(quantity, int) and quantity > 0
                assert isinstance(amount, int) and amount >= 0
                total += amount * quantity
                currency = price["currency"]
            assert total > 0
        except (AssertionError, KeyError, TypeError) as error:
            raise UserError(400, "Bad request") from error
        super().__init__()
        self.mode = mode
        self.line_items_total = total
        self.amount_total = total
        self.amount_subtotal = total
        self.currency = currency
        self.success_url = success_url
        self.cancel_url = cancel_url
        self.client_reference_id = client_reference_id
        self.customer_email = customer_email
        self.metadata = metadata or {}
        self._pi_metadata = (payment_intent_data or {}).get("metadata") or {}
        self.expires_at = res.try_convert_to_int(expires_at) if expires_at else None
        self.status = "open"
        self.payment_status = "unpaid"
        self.payment_intent = None
        self.url = f"{PUBLIC_BASE['url']}/_config/checkout/{self.id}"

    def _pay(self, card: str, send_webhook: bool) -> None:
        if self.status != "open":
            raise UserError(400, f"This Checkout Session is {self.status}.")
        method = "pm_card_chargeCustomerFail" if card == "declined" else "pm_card_visa"
        intent = res.PaymentIntent._api_create(
            amount=self.amount_total,
            currency=self.currency,
            payment_method=method,
            metadata=dict(self._pi_metadata),
        )
        intent._confirm(on_failure_now=lambda: None)
        if intent.status != "succeeded":
            raise UserError(402, "Your card was declined.", {"code": "card_declined"})
        self.payment_intent = intent.id
        self.status = "complete"
        self.payment_status = "paid"
        self.url = None
        event = res.Event("checkout.session.completed", self)
        _events[event.id] = event
        if send_webhook:
            schedule_webhook(event)

    def _expire(self) -> None:
        if self.status != "open":
            raise UserError(400, f"This Checkout Session is {self.status}.")
        self.status = "expired"
        self.url = None
        _emit("checkout.session.expired", self)


async def create_session(request):
    data = await srv.get_post_data(request) or {}
    return srv.json_response(CheckoutSession(**data)._export())


async def retrieve_session(request):
    return srv.json_response(CheckoutSession._api_retrieve(request.match_info["id"])._export())


async def expire_session(request):
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    session._expire()
    return srv.json_response(session._export())


PAGE = """<!doctype html><title>localstripe checkout</title>
<h1>Pay {amount} {currency}</h1><p>Test payment page (localstripe). Nothing is charged.</p>
<form method=post action="/_config/checkout/{id}/pay"><input type=hidden name=card value=visa>
<button id=pay>Pay</button></form>
<form method=post action="/_config/checkout/{id}/pay"><input type=hidden name=card value=declined>
<button id=decline>Pay with a declined card</button></form>
<p><a id=cancel href="{cancel}">Cancel and go back</a></p>"""


async def hosted_page(request):
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    if session.status != "open":
        return web.Response(text=f"This payment page is {session.status}.", status=410)
    body = PAGE.format(
        amount=f"{session.amount_total / 100:.2f}",
        currency=html.escape(session.currency.upper()),
        id=html.escape(session.id),
        cancel=html.escape(session.cancel_url),
    )
    return web.Response(text=body, content_type="text/html")


async def pay(request):
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    form = await srv.get_post_data(request, remove_auth=False) or {}
    card = str(form.get("card", "visa"))
    send_webhook = str(form.get("webhook", request.query.get("webhook", "1"))) != "0"
    browser = "text/html" in request.headers.get("Accept", "")
    try:
        session._pay(card, send_webhook)
    except UserError as error:
        if browser:
            return web.Response(text=f"Payment failed: {error}", status=402)
        raise
    if browser:
        raise web.HTTPSeeOther(session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id))
    return srv.json_response(session._export())


async def resend_event(request):
    event = _events.get(request.match_info["id"])
    if event is None:
        raise UserError(404, "Not Found")
    schedule_webhook(event)
    return srv.json_response({"id": event.id, "type": event.type})


async def list_events(request):
    kind = request.query.get("type")
    found = [e._export() for e in _events.values() if kind is None or e.type == kind]
    return srv.json_response({"data": found})


async def config_refunds(request):
    data = await srv.get_post_data(request) or {}
    _refund_plan["mode"] = str(data.get("mode", ""))
    _refund_plan["count"] = int(data.get("count", 1))
    return web.Response()


_stock_refund_create = res.Refund._api_create.__func__


def _refund_create(cls, **data):
    mode = _refund_plan["mode"] if _refund_plan["count"] else ""
    if mode:
        _refund_plan["count"] = int(_refund_plan["count"]) - 1
    if mode == "error":
        raise UserError(400, "Refund declined (test).", {"code": "charge_disputed"})
    refund = _stock_refund_create(cls, **data)
    if mode in ("fails_later", "pending"):
        refund.status = "pending"

        async def settle():
            await asyncio.sleep(0.3)
            if mode == "fails_later":
                refund.status = "failed"
                refund.failure_reason = "expired_or_canceled_card"
            else:
                refund.status = "succeeded"
            _emit("refund.updated", refund)

        asyncio.ensure_future(settle())
    return refund


res.Refund._api_create = classmethod(_refund_create)  # type: ignore[method-assign]


def _add_routes(app: web.Application) -> None:
    # Pages and test hooks live under /_config/, which localstripe serves without an API key.
    router = app.router
    router.add_post("/v1/checkout/sessions", create_session)
    router.add_get("/v1/checkout/sessions/{id}", retrieve_session)
    router.add_post("/v1/checkout/sessions/{id}/expire", expire_session)
    router.add_get("/_config/checkout/{id}", hosted_page)
    router.add_post("/_config/checkout/{id}/pay", pay)
    router.add_post("/_config/events/{id}/resend", resend_event)
    router.add_get("/_config/events", list_events)
    router.add_post("/_config/refunds", config_refunds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8420, help="0 picks a free port")
    parser.add_argument("--public-url", default="", help="base URL browsers use for this server")
    args = parser.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]
    PUBLIC_BASE["url"] = args.public_url.rstrip("/") or f"http://127.0.0.1:{port}"

    _add_routes(srv.app)
    print(f"LISTENING {port}", flush=True)
    logging.basicConfig(level=logging.WARNING)
    web.run_app(srv.app, sock=sock, print=None, access_log=None)


if __name__ == "__main__":
    main()
