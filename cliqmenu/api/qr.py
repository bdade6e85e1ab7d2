"""QR codes of a truck's public menu: GET /api/trucks/<slug>/qr.svg and /qr.png.

The code holds only the public menu address (``CLIQMENU_PUBLIC_URL/t/<slug>``), so it is served
to anyone, like the menu itself. ``?download=1`` asks the browser to save the file.
"""

from __future__ import annotations

import io

import segno
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cliqmenu.db import session_scope
from cliqmenu.routes import menu_url
from cliqmenu.services import orders
from cliqmenu.services.errors import DomainError

KINDS = {"svg": "image/svg+xml", "png": "image/png"}


def qr_bytes(url: str, kind: str) -> bytes:
    code = segno.make(url, error="m")
    out = io.BytesIO()
    # PNG big enough to print on an A5 sign; SVG scales by itself.
    code.save(out, kind=kind, scale=16 if kind == "png" else 10, border=2, dark="#111111")
    return out.getvalue()


async def truck_qr(request: Request) -> Response:
    slug = request.path_params["slug"]
    kind = request.path_params["kind"]
    if kind not in KINDS:
        return JSONResponse({"error": "Ask for qr.svg or qr.png."}, status_code=404)
    try:
        with session_scope() as session:
            truck = orders.truck_by_slug(session, slug)
            slug = truck.slug
    except DomainError as error:
        return JSONResponse({"error": str(error)}, status_code=error.status_code)
    headers = {"Cache-Control": "no-cache"}
    if request.query_params.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="{slug}-qr.{kind}"'
    return Response(qr_bytes(menu_url(slug), kind), media_type=KINDS[kind], headers=headers)


routes = [Route("/api/trucks/{slug}/qr.{kind}", truck_qr, methods=["GET"])]
