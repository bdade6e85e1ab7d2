"""Every route of the app, in one place, and where each role lands."""

from cliqmenu.models import Role
from cliqmenu.settings import get_settings

SIGN_IN = "/signin"
INVITE = "/invite"
MANAGE = "/manage"
WALK_IN = "/manage/walk-in"
HISTORY = "/manage/history"
STOCK = "/manage/stock"
KDS = "/kds"
KDS_EXPO = "/kds/expo"
ADMIN = "/admin"
ADMIN_STAFF = "/admin/staff"
ADMIN_OUTBOX = "/admin/outbox"
ADMIN_MENU = "/admin/menu"
TRUCK_MENU = "/t/[slug]"
PICKUP_BOARD = "/t/[slug]/board"
TRACK = "/o/[public_id]"
SETUP = "/setup"
ADMIN_BUSINESS = "/admin/business"
ADMIN_TRUCKS = "/admin/trucks"
ADMIN_REPORTS = "/admin/reports"
ADMIN_AUDIT = "/admin/audit"
ADMIN_PRINTERS = "/admin/printers"
ADMIN_STATIONS = "/admin/stations"

# The HTTP routes that set and clear the session cookie (cliqmenu.api.session).
SESSION_ROUTE = "/api/session"
SIGN_OUT_ROUTE = f"{SESSION_ROUTE}/sign-out"
SESSION_COOKIE = "cliq_session"
SESSION_MAX_AGE = 30 * 24 * 3600

HOME_FOR_ROLE = {Role.OWNER: ADMIN, Role.ORDER_MANAGER: MANAGE, Role.KITCHEN_STAFF: KDS}


def home_for(role: Role) -> str:
    """Where a member lands after signing in: the role decides the view."""
    return HOME_FOR_ROLE[role]


def menu_url(slug: str) -> str:
    """The public address a truck's QR code points to."""
    return f"{get_settings().public_url.rstrip('/')}/t/{slug}"
