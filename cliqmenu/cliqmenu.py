"""The Reflex app: registers pages, the HTTP API and the background jobs, nothing more."""

import reflex as rx

from cliqmenu import routes
from cliqmenu.api import build_api
from cliqmenu.components.installable import installable_head
from cliqmenu.components.live import connection_overlay
from cliqmenu.infra import log_redaction
from cliqmenu.infra.mail_delivery import delivery_worker
from cliqmenu.order_expiry import expiry_worker
from cliqmenu.pages.customer import menu_page, tracker_page
from cliqmenu.pages.history import history_page
from cliqmenu.pages.kds import kds_page
from cliqmenu.pages.kds_expo import expo_page
from cliqmenu.pages.manage import manage_page
from cliqmenu.pages.menu_editor import menu_editor_page
from cliqmenu.pages.owner_audit import audit_page
from cliqmenu.pages.owner_business import business_page
from cliqmenu.pages.owner_outbox import outbox_page
from cliqmenu.pages.owner_overview import overview_page
from cliqmenu.pages.owner_printers import printers_page
from cliqmenu.pages.owner_reports import reports_page
from cliqmenu.pages.owner_setup import setup_page
from cliqmenu.pages.owner_staff import staff_page
from cliqmenu.pages.owner_stations import stations_page
from cliqmenu.pages.owner_trucks import trucks_page
from cliqmenu.pages.pickup_board import pickup_board_page
from cliqmenu.pages.signin import invite_page, sign_in_page
from cliqmenu.pages.stock import stock_page
from cliqmenu.pages.walk_in import walk_in_page
from cliqmenu.preorder_release import release_worker
from cliqmenu.print_delivery import print_worker
from cliqmenu.push_delivery import push_worker
from cliqmenu.realtime import disk_purge
from cliqmenu.realtime.hub import listen_to_other_workers
from cliqmenu.reminders import reminder_worker
from cliqmenu.restock import restock_worker
from cliqmenu.security_headers import security_headers
from cliqmenu.state.customer import CustomerMenuState, TrackerState
from cliqmenu.state.expo import ExpoState
from cliqmenu.state.faults import on_backend_error
from cliqmenu.state.history import HistoryState
from cliqmenu.state.kitchen import KitchenState
from cliqmenu.state.manager import ManagerState
from cliqmenu.state.menu_editor import MenuEditorState
from cliqmenu.state.owner_audit import AuditState
from cliqmenu.state.owner_business import BusinessState
from cliqmenu.state.owner_home import OwnerHomeState
from cliqmenu.state.owner_outbox import OutboxState
from cliqmenu.state.owner_printers import PrintersState
from cliqmenu.state.owner_reports import ReportsState
from cliqmenu.state.owner_setup import SetupState
from cliqmenu.state.owner_stations import StationsState
from cliqmenu.state.owner_trucks import TrucksState
from cliqmenu.state.pickup_board import PickupBoardState
from cliqmenu.state.session_binding import BindToSessionCookie, upload_guard
from cliqmenu.state.signin import InviteState, SignInState
from cliqmenu.state.stock import StockState
from cliqmenu.state.walk_in import WalkInState

disk_purge.install()  # Reflex's disk state manager: purge expired states once a minute
log_redaction.install()  # no token or cookie in any log line

app = rx.App(
    stylesheets=["/cliqmenu.css"],
    head_components=[
        *installable_head(),
        rx.el.meta(
            name="viewport", content="width=device-width, initial-scale=1, viewport-fit=cover"
        ),
    ],
    # Messages appear at the top, where no primary action (Accept, Place order, the bottom
    # bars) ever sits: a message never swallows the tap meant for the button under it.
    toaster=rx.toast.provider(position="top-center", close_button=True),
    # The API is mounted first; the headers wrap everything, pages and API alike.
    api_transformer=[build_api(), upload_guard, security_headers],
    # A database away for a moment: a plain message on the screen, not Reflex's error toast.
    backend_exception_handler=on_backend_error,
)
# Reflex's connection toast and pulse speak of websockets: ours says it in people's words.
app.app_wraps[(5, "Overlay")] = lambda stateful: connection_overlay() if stateful else None
app.add_middleware(BindToSessionCookie(), index=0)  # a tab's state is its session cookie's
app.register_lifespan_task(delivery_worker)  # sends the outbox when SMTP is set
app.register_lifespan_task(push_worker)  # sends stored Web Push notifications
app.register_lifespan_task(reminder_worker)  # reminds of orders waiting unaccepted
app.register_lifespan_task(print_worker)  # prints stored tickets on the trucks' printers
app.register_lifespan_task(expiry_worker)  # expires online orders not paid within an hour
app.register_lifespan_task(restock_worker)  # "out today" stock back at each truck's midnight
app.register_lifespan_task(release_worker)  # pre-orders to the kitchen at pickup minus prep
app.register_lifespan_task(listen_to_other_workers)  # scaled out: others' changes to my screens
app.add_page(sign_in_page, route="/", title="CliqMenu", on_load=SignInState.load)
app.add_page(
    sign_in_page, route=routes.SIGN_IN, title="Sign in · CliqMenu", on_load=SignInState.load
)
app.add_page(
    invite_page, route=routes.INVITE, title="Invitation · CliqMenu", on_load=InviteState.load
)
app.add_page(manage_page, route=routes.MANAGE, title="Orders · CliqMenu", on_load=ManagerState.load)
app.add_page(kds_page, route=routes.KDS, title="Kitchen · CliqMenu", on_load=KitchenState.load)
app.add_page(expo_page, route=routes.KDS_EXPO, title="Expo · CliqMenu", on_load=ExpoState.load)
app.add_page(
    overview_page, route=routes.ADMIN, title="Owner · CliqMenu", on_load=OwnerHomeState.load
)
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
    pickup_board_page,
    route=routes.PICKUP_BOARD,
    title="Pickup board · CliqMenu",
    on_load=PickupBoardState.load,
)
app.add_page(
    tracker_page, route=routes.TRACK, title="Your order · CliqMenu", on_load=TrackerState.load
)
app.add_page(
    menu_editor_page, route=routes.ADMIN_MENU, title="Menu · CliqMenu", on_load=MenuEditorState.load
)
app.add_page(stock_page, route=routes.STOCK, title="Stock · CliqMenu", on_load=StockState.load)

app.add_page(setup_page, route=routes.SETUP, title="Set up · CliqMenu", on_load=SetupState.load)
app.add_page(
    business_page,
    route=routes.ADMIN_BUSINESS,
    title="Business · CliqMenu",
    on_load=BusinessState.load,
)
app.add_page(
    trucks_page, route=routes.ADMIN_TRUCKS, title="Trucks · CliqMenu", on_load=TrucksState.load
)
app.add_page(
    printers_page,
    route=routes.ADMIN_PRINTERS,
    title="Printers · CliqMenu",
    on_load=PrintersState.load,
)
app.add_page(
    stations_page,
    route=routes.ADMIN_STATIONS,
    title="Stations · CliqMenu",
    on_load=StationsState.load,
)
app.add_page(
    staff_page, route=routes.ADMIN_STAFF, title="Staff · CliqMenu", on_load=OwnerHomeState.load
)
app.add_page(
    reports_page, route=routes.ADMIN_REPORTS, title="Reports · CliqMenu", on_load=ReportsState.load
)
app.add_page(
    audit_page, route=routes.ADMIN_AUDIT, title="Audit · CliqMenu", on_load=AuditState.load
)
app.add_page(
    outbox_page, route=routes.ADMIN_OUTBOX, title="Outbox · CliqMenu", on_load=OutboxState.load
)
