"""The add / edit dialog of an Owner page that lists things (trucks, printers): open it empty or
filled from a row, save through a service, say what went wrong in the form, refresh the list.

A page's state mixes this in and says what is its own: how the form is filled (``_fill``), which
row an edit opens (``_row``), how the form is written (``_write``) and what the list shows
(``_refresh``); ``_saved`` tells other screens, ``_cannot_add`` refuses an empty add."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from cliqmenu.db import read_scope, session_scope
from cliqmenu.models import StaffMember
from cliqmenu.services.errors import DomainError, Forbidden
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner


class OwnerForm(rx.State, mixin=True):
    editing: bool = False
    is_new: bool = True
    form_error: str = ""
    _editing_id: int | None = None

    def _refresh(self, business_id: int) -> None:
        raise NotImplementedError

    def _fill(self, row: Any | None) -> None:
        """The form's fields from ``row`` (None: a new one's defaults)."""
        raise NotImplementedError

    def _row(self, session: Session, actor: StaffMember, row_id: int) -> Any:
        """The row an edit opens (refused with NotFound when not the Owner's)."""
        raise NotImplementedError

    def _write(self, session: Session, actor: StaffMember) -> tuple[str, int]:
        """Add (``_editing_id`` None) or save the form's row; its name and truck id."""
        raise NotImplementedError

    def _saved(self, name: str, truck_id: int, added: bool) -> str:
        """Tell the screens that show it; the toast's words."""
        raise NotImplementedError

    def _cannot_add(self) -> str:
        """Why nothing can be added yet ("" when it can)."""
        return ""

    def _open_form(self, row: Any | None) -> None:
        self._editing_id = row.id if row is not None else None
        self.is_new = row is None
        self._fill(row)
        self.form_error = ""
        self.editing = True

    @rx.event
    async def start_new(self):
        try:
            await owner(self)
        except DomainError as error:
            return refuse(error)
        if why := self._cannot_add():
            return rx.toast.error(why)
        self._open_form(None)
        return None

    @rx.event
    async def start_edit(self, row_id: int):
        try:
            actor = await owner(self)
            with read_scope() as session:
                row = self._row(session, actor, int(row_id))
        except DomainError as error:
            return refuse(error)
        self._open_form(row)
        return None

    @rx.event
    def set_editing(self, value: bool):
        self.editing = bool(value)

    @rx.event
    async def save(self, _form: dict | None = None):
        try:
            actor = await owner(self)
            with session_scope() as session:
                name, truck_id = self._write(session, actor)
        except DomainError as error:
            if isinstance(error, Forbidden):
                return refuse(error)
            self.form_error = str(error)
            return None
        added = self._editing_id is None
        self.editing = False
        self._refresh(actor.business_id)
        return rx.toast.success(self._saved(name, truck_id, added))
