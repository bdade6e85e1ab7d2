"""The Owner's add / edit dialogs of trucks and printers (one shared piece, state/owner_form.py):
open empty or filled, a refused save says why in the form and keeps it open, a good one closes it
and shows the row; another business's row is "No such …"."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from cliqmenu.state.owner_printers import PrintersState
from cliqmenu.state.owner_trucks import TrucksState
from tests import factories
from tests.state.support import (
    ROLE_REFUSED,
    assert_refused,
    carry_token,
    outcome,
    sign_in,
    substate,
)


async def test_the_owner_adds_and_edits_a_printer_in_its_dialog(
    root: rx.State, session: Session, world: factories.World, app_engine
) -> None:
    carry_token(root, sign_in(session, world.owner))
    page = substate(root, PrintersState)
    await page.load()

    assert await page.start_new() is None
    assert (page.editing, page.is_new, page.f_truck) == (True, True, str(world.truck.id))
    page.set_f_name("Kitchen")
    page.set_f_host("http://192.168.1.50/")
    assert await page.save() is None
    assert page.editing and "192.168.1.50" in page.form_error  # says why, keeps the form open

    page.set_f_host("192.168.1.50")
    kind, detail = outcome(await page.save())
    assert kind == "toast" and "Printer Kitchen added." in detail
    assert not page.editing and [row.name for row in page.rows] == ["Kitchen"]

    assert await page.start_edit(page.rows[0].id) is None
    assert (page.is_new, page.f_name, page.f_host, page.form_error) == (
        False,
        "Kitchen",
        "192.168.1.50",
        "",
    )
    page.set_f_name("Pass")
    kind, detail = outcome(await page.save())
    assert kind == "toast" and "Printer Pass saved." in detail
    assert [row.name for row in page.rows] == ["Pass"]


async def test_the_dialogs_refuse_other_businesses_rows_and_staff(
    root: rx.State, session: Session, world: factories.World, app_engine
) -> None:
    other = factories.make_world(session, business_name="Other Eats")
    session.commit()
    trucks_page = substate(root, TrucksState)

    carry_token(root, sign_in(session, world.manager))
    assert_refused(await trucks_page.start_new(), by=ROLE_REFUSED)
    assert_refused(await substate(root, PrintersState).start_new(), by=ROLE_REFUSED)

    carry_token(root, sign_in(session, world.owner))
    await trucks_page.load()
    assert_refused(await trucks_page.start_edit(other.truck.id), by="No such truck")
    assert not trucks_page.editing
    assert await trucks_page.start_edit(world.truck.id) is None
    assert (trucks_page.is_new, trucks_page.f_name) == (False, "Taco Truck")
    trucks_page.set_f_name("")
    assert await trucks_page.save() is None
    assert trucks_page.editing and trucks_page.form_error
