"""Notifications on this device, for the Order Manager screen: turn on, test, turn off.

The browser side is assets/push.js (permission, subscription); the handlers here authorize the
caller, store or forget the subscription through services/notifications.py, and say plainly
whether this device will ring.
"""

from __future__ import annotations

import json

import reflex as rx

from cliqmenu.db import session_scope
from cliqmenu.services import notifications, staff
from cliqmenu.services.errors import DomainError
from cliqmenu.state.auth import MANAGERS, SessionState, refuse
from cliqmenu.state.customer import TrackerState

# What the page says for each state of this device (state -> words).
STATUS_WORDS = {
    "on": "Notifications are on for this device.",
    "off": "Get new orders on this device even when the screen is locked.",
    "denied": (
        "Notifications are blocked for this site. Allow them in the browser's site settings, "
        "then tap Turn on notifications."
    ),
    "unsupported": "This browser cannot show notifications from a web app.",
    "ios": (
        "On iPhone and iPad, add CliqMenu to the Home Screen first (Share, then Add to Home "
        "Screen), open it from there and turn notifications on."
    ),
    "error": "Notifications could not be turned on.",
}


def push_call(call: str) -> str:
    """Script that runs ``window.cliqPush.<call>`` once assets/push.js has loaded."""
    return (
        "new Promise((done) => { const go = () => window.cliqPush ? "
        f"done(window.cliqPush.{call}) : setTimeout(go, 50); go(); }})"
    )


CUSTOMER_WORDS = {
    "on": "We will notify this device when your order is ready.",
    "off": "Notifications were not allowed. You can keep this page open instead.",
    "denied": "Notifications are blocked for this site. Keep this page open instead.",
    "unsupported": "This browser cannot notify you. Keep this page open instead.",
    "ios": (
        "On iPhone, notifications need the app on the Home Screen. Keep this page open instead."
    ),
    "error": "Notifications could not be turned on. Keep this page open instead.",
}


class StaffPushState(rx.State):
    """Whether this device rings for the truck on screen, and the buttons that change it."""

    push_status: str = ""  # "" until the page has asked the browser
    push_words: str = ""
    _endpoint: str = ""

    def _set(self, status: str, extra: str = "") -> None:
        self.push_status = status
        self.push_words = f"{STATUS_WORDS[status]} {extra}".strip()

    async def _caller(self):
        session_state = await self.get_state(SessionState)
        member = session_state._member(*MANAGERS)
        return member, session_state

    async def _save(self, subscription: dict, *, must_exist: bool) -> None:
        """Store this device for the member and the truck on screen; with ``must_exist``, only
        refresh a device the member turned on before (a reload or a truck switch)."""
        member, session_state = await self._caller()
        endpoint = str(subscription.get("endpoint") or "")
        with session_scope() as session:
            if must_exist and not notifications.find_staff_device(
                session, staff_id=member.id, endpoint=endpoint
            ):
                self._set("off")
                return
            session_id = staff.session_id_for_token(session, session_state._session_token())
            truck = session_state._truck(session, member)
            notifications.turn_on_for_staff(
                session,
                member=member,
                session_id=session_id,
                truck=truck,
                subscription=subscription,
                device=self.router.headers.user_agent,
            )
        self._endpoint = endpoint
        self._set("on")

    @rx.event
    async def check(self):
        """On load: ask the browser what this device does now."""
        return rx.call_script(push_call("current()"), callback=StaffPushState.checked)

    @rx.event
    async def checked(self, result: dict):
        try:
            await self._show_result(result, must_exist=True)
        except DomainError as error:
            return refuse(error)

    @rx.event
    async def turn_on(self):
        try:
            await self._caller()
            with session_scope() as session:
                key = notifications.vapid_key(session).public_key
        except DomainError as error:
            return refuse(error)
        return rx.call_script(
            push_call(f"turnOn({json.dumps(key)})"), callback=StaffPushState.turned_on
        )

    @rx.event
    async def turned_on(self, result: dict):
        try:
            await self._show_result(result, must_exist=False)
        except DomainError as error:
            self._set("error", str(error))

    async def _show_result(self, result: dict, *, must_exist: bool) -> None:
        status = str((result or {}).get("state") or "error")
        if status == "on":
            await self._save(dict(result.get("subscription") or {}), must_exist=must_exist)
        elif status == "unsupported":
            self._set("ios" if result.get("ios") else "unsupported")
        elif status == "error":
            self._set("error", str(result.get("message") or "")[:200])
        else:
            self._set(status if status in STATUS_WORDS else "error")

    @rx.event
    async def send_test(self):
        try:
            member, session_state = await self._caller()
            with session_scope() as session:
                device = notifications.find_staff_device(
                    session, staff_id=member.id, endpoint=self._endpoint
                )
                if device is None:
                    raise DomainError("Turn notifications on for this device first.")
                truck = session_state._truck(session, member)
                notifications.send_test(session, device=device, truck=truck)
        except DomainError as error:
            return refuse(error)
        return rx.toast.info("A test notification is on its way.", duration=4000)

    @rx.event
    async def turn_off(self):
        return rx.call_script(push_call("turnOff()"), callback=StaffPushState.turned_off)

    @rx.event
    async def turned_off(self, result: dict):
        try:
            member, _ = await self._caller()
        except DomainError as error:
            return refuse(error)
        endpoint = str((result or {}).get("endpoint") or self._endpoint)
        with session_scope() as session:
            notifications.turn_off(session, endpoint=endpoint, staff_id=member.id)
        self._endpoint = ""
        self._set("off")


class CustomerPushState(rx.State):
    """The tracking page's "Notify me when it's ready": no account, this order only."""

    notify_status: str = ""  # "", on, denied, unsupported, ios, error
    notify_words: str = ""

    @rx.event
    async def turn_on(self):
        with session_scope() as session:
            key = notifications.vapid_key(session).public_key
        return rx.call_script(
            push_call(f"turnOn({json.dumps(key)})"), callback=CustomerPushState.turned_on
        )

    @rx.event
    async def turned_on(self, result: dict):
        status = str((result or {}).get("state") or "error")
        if status == "unsupported":
            status = "ios" if result.get("ios") else "unsupported"
        if status == "on":
            tracker = await self.get_state(TrackerState)
            try:
                with session_scope() as session:
                    notifications.turn_on_for_tracked_order(
                        session,
                        public_id=tracker._public_id,
                        subscription=dict(result.get("subscription") or {}),
                    )
            except DomainError as error:
                self.notify_status, self.notify_words = "error", str(error)
                return
        self.notify_status = status if status in CUSTOMER_WORDS else "error"
        self.notify_words = CUSTOMER_WORDS[self.notify_status]
