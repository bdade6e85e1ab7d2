"""The Reflex app: registers pages and the HTTP API, nothing more."""

import reflex as rx

from cliqmenu import routes
from cliqmenu.api import build_api
from cliqmenu.pages.admin import admin_page
from cliqmenu.pages.customer import menu_page, tracker_page
from cliqmenu.pages.history import history_page
from cliqmenu.pages.kds import kds_page
from cliqmenu.pages.manage import manage_page
from cliqmenu.pages.signin import invite_page, sign_in_page
from cliqmenu.pages.walk_in import walk_in_page
from cliqmenu.state.admin import AdminState
from cliqmenu.state.customer import CustomerMenuState, TrackerState
from cliqmenu.state.history import HistoryState
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.signin import InviteState, SignInState
from cliqmenu.state.walk_in import WalkInState

app = rx.App(
    theme=rx.theme(accent_color="orange", gray_color="sand", radius="large"),
    stylesheets=["/cliqmenu.css"],
    head_components=[
        rx.el.meta(name="theme-color", content="#ea580c"),
        rx.el.meta(
            name="viewport", content="width=device-width, initial-scale=1, viewport-fit=cover"
        ),
    ],
    api_transformer=build_api(),
)
app.add_page(sign_in_page, route="/", title="CliqMenu", on_load=SignInState.load)
app.add_page(
    sign_in_page, route=routes.SIGN_IN, title="Sign in · CliqMenu", on_load=SignInState.load
)
app.add_page(
    invite_page, route=routes.INVITE, title="Invitation · CliqMenu", on_load=InviteState.load
)
app.add_page(manage_page, route=routes.MANAGE, title="Orders · CliqMenu", on_load=ManagerState.load)
app.add_page(kds_page, route=routes.KDS, title="Kitchen · CliqMenu", on_load=KitchenState.load)
app.add_page(admin_page, route=routes.ADMIN, title="Owner · CliqMenu", on_load=AdminState.load)
app.add_page(
    walk_in_page, route=routes.WALK_IN, title="Walk-in · CliqMenu", on_load=WalkInState.load
)
app.add_page(
    history_page, route=routes.HISTORY, title="History · CliqMenu", on_load=HistoryState.load
)
app.add_page(
    menu_page, route=routes.TRUCK_MENU, title="Order · CliqMenu", on_load=CustomerMenuState.load
)
app.add_page(
    tracker_page, route=routes.TRACK, title="Your order · CliqMenu", on_load=TrackerState.load
)
