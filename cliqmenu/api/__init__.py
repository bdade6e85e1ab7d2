"""HTTP routes mounted beside the Reflex app."""

from starlette.applications import Starlette
from starlette.routing import Route

from cliqmenu.api import qr, session, sso
from cliqmenu.api.orders import create_order
from cliqmenu.api.payments import stripe_webhook


def build_api() -> Starlette:
    return Starlette(
        routes=[
            Route("/api/trucks/{slug}/orders", create_order, methods=["POST"]),
            Route("/api/stripe/webhook", stripe_webhook, methods=["POST"]),
            *qr.routes,
            *session.routes,
            *sso.routes(),
        ]
    )
