"""HTTP routes mounted beside the Reflex app."""

import logging

from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cliqmenu.api import qr, session, sso
from cliqmenu.api.orders import create_order
from cliqmenu.api.payments import stripe_webhook
from cliqmenu.db import database_unavailable

DATABASE_AWAY = "The database is unavailable just now: nothing was saved. Try again in a moment."
# Seconds a client waits before trying again: a database restart takes a few.
RETRY_AFTER = "1"

log = logging.getLogger(__name__)


async def database_away(request: Request, error: Exception) -> Response:
    """Any route whose database went away (restarting, connections dropped): 503 and when to
    try again, never a bare 500. Its unit of work rolled back whole."""
    if not database_unavailable(error):
        raise error
    log.warning("%s %s: the database is unavailable (%s)", request.method, request.url.path, error)
    return JSONResponse(
        {"error": DATABASE_AWAY}, status_code=503, headers={"Retry-After": RETRY_AFTER}
    )


def build_api() -> Starlette:
    return Starlette(
        routes=[
            Route("/api/trucks/{slug}/orders", create_order, methods=["POST"]),
            Route("/api/stripe/webhook", stripe_webhook, methods=["POST"]),
            *qr.routes,
            *session.routes,
            *sso.routes(),
        ],
        exception_handlers={DBAPIError: database_away},
    )
