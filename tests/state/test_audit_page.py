"""The Owner's audit page as a screen: filters, the CSV download, and nobody else may read it."""

from __future__ import annotations

import base64
import re

from cliqmenu.services import lifecycle
from cliqmenu.state.owner_audit import AuditState
from tests import factories
from tests.state.support import ROLE_REFUSED, assert_refused, carry_token, sign_in, substate


def _decoded_csv(spec: str) -> str:
    found = re.search(r"data:text/csv;base64,([A-Za-z0-9+/=]+)", spec)
    assert found, spec
    return base64.b64decode(found.group(1)).decode()


async def test_the_owner_filters_the_trail_and_downloads_it(root, session, world, app_engine):
    order = factories.place(session, world=world)
    lifecycle.reject(session, actor=world.manager, order_id=order.id, reason="Closing early")
    session.commit()
    carry_token(root, sign_in(session, world.owner))
    page = substate(root, AuditState)

    assert await page.load() is None
    assert [row.action for row in page.rows][:2] == ["order.rejected", "order.placed"]
    rejected = page.rows[0]
    assert (rejected.kind, rejected.order, rejected.reason) == (
        "Orders",
        f"#{order.number} · {world.truck.name}",
        "Closing early",
    )
    assert rejected.changes == "stage: received → rejected"
    assert rejected.who == f"{world.manager.name} (Order Manager)"

    await page.set_member(str(world.owner.id))
    assert [row.action for row in page.rows] == []
    await page.set_member("all")
    page.set_order("#999")
    await page.run()
    assert page.rows == []
    page.set_order("twelve")
    await page.run()
    assert page.error == "Type an order number, like 12 or #12."

    page.set_order(str(order.number))
    await page.run()
    download = str(await page.export_csv())
    assert "_download" in download and "cliqmenu-audit-" in download
    # The data travels base64-encoded in a data: URL.
    assert "order.rejected" in _decoded_csv(download)


async def test_staff_cannot_read_the_trail(root, session, world, app_engine):
    carry_token(root, sign_in(session, world.manager))
    page = substate(root, AuditState)
    assert_refused(await page.run(), by=ROLE_REFUSED)
    assert_refused(await page.export_csv(), by=ROLE_REFUSED)
    assert page.rows == []
