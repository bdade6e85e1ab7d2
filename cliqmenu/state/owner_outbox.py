"""/admin/outbox: every email the system sent or would send."""

from __future__ import annotations

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.services import outbox, outbox_resend, records
from cliqmenu.services.errors import DomainError
from cliqmenu.settings import get_settings
from cliqmenu.state.auth import refuse
from cliqmenu.state.owner_access import owner, owner_or_redirect
from cliqmenu.views.outbox import EmailRow, email_row


class OutboxState(rx.State):
    emails: list[EmailRow] = []
    delivering: bool = False  # an email server is set, so failed emails can be sent again

    @rx.event
    async def load(self):
        member, redirect = await owner_or_redirect(self)
        if member is None:
            return redirect
        self._refresh(member.business_id)
        return None

    @rx.event
    async def send_again(self, email_id: int):
        try:
            actor = await owner(self)
            with session_scope() as session:
                to = outbox_resend.send_again(session, actor=actor, email_id=int(email_id)).to
        except DomainError as error:
            return refuse(error)
        self._refresh(actor.business_id)
        return rx.toast.success(f"The email to {to} is queued to be sent again.")

    def _refresh(self, business_id: int) -> None:
        self.delivering = get_settings().smtp_enabled
        with session_scope() as session:
            zone = records.business_zone(session, business_id)
            self.emails = [
                email_row(e, zone) for e in outbox.list_outbox(session, business_id=business_id)
            ]
