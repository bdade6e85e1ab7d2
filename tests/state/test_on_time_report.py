"""The Owner's reports page shows the on-time table of the range it shows."""

from __future__ import annotations

from cliqmenu.models import Stage
from cliqmenu.state.owner_reports import ReportsState
from tests import factories
from tests.state.support import carry_token, sign_in, substate


async def test_the_reports_page_shows_today_on_time(root, session, world, app_engine):
    order = factories.to_stage(
        session, world, factories.place(session, world=world), Stage.DELIVERED
    )
    session.commit()
    carry_token(root, sign_in(session, world.owner))
    page = substate(root, ReportsState)

    assert await page.pick("today") is None

    [row] = page.on_time_rows
    # Placed and made ready within the same second: on time against its quote.
    assert (row.truck, row.orders, row.rate) == (world.truck.name, 1, "100% (1 of 1)")
    assert page.on_time_total[0].day == "Total"
    assert order.quoted_ready_at is not None
