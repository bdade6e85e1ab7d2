"""The ``cliqmenu`` command: migrate, seed the demo, create a business owner, deliver email,
expire unpaid orders, bring "out today" stock back, remind of waiting orders, send pre-orders
to the kitchen, show or rotate the Web Push key, print waiting tickets, back up and restore."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alembic.command import upgrade
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel, select

from cliqmenu import (
    backup,
    demo_data,
    order_expiry,
    preorder_release,
    print_delivery,
    reminders,
    restock,
)
from cliqmenu.db import get_engine, make_engine, session_scope
from cliqmenu.infra import mail_delivery
from cliqmenu.infra.smtp import SmtpServer
from cliqmenu.models import Business, Role, StaffMember
from cliqmenu.services import notifications, staff
from cliqmenu.services.errors import DomainError
from cliqmenu.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"


class CliError(Exception):
    """A failure to report in one line, without a traceback."""


def safe_url(url: str) -> str:
    """The database URL with any password masked, fit for printing."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is reported by whoever uses it
        return url


def alembic_config(url: str | None = None) -> Config:
    """The project's Alembic configuration, pointed at ``url`` (default: the app's database)."""
    if not ALEMBIC_INI.is_file():
        raise CliError(f"{ALEMBIC_INI} is missing; run cliqmenu from a checkout of the project.")
    config = Config(str(ALEMBIC_INI))
    config.attributes["configure_logger"] = False
    config.attributes["url"] = url or get_settings().database_url
    return config


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None for a database that was never migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _has_app_tables(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            existing = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    return bool(existing & set(SQLModel.metadata.tables))


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrate(url: str | None = None) -> tuple[str | None, str | None]:
    """Upgrade the database to the newest revision; returns the revisions before and after."""
    url = url or get_settings().database_url
    before = current_revision(url)
    if before is None and _has_app_tables(url):
        raise CliError(
            "The database has tables but no migration history (made by create_all?). "
            "Start from an empty database, or if its schema is exactly the newest one, "
            "record that with `alembic stamp head`."
        )
    upgrade(alembic_config(url), "head")
    return before, current_revision(url)


def require_migrated() -> None:
    """Refuse to touch a database whose schema is not the newest one."""
    current, head = current_revision(get_settings().database_url), head_revision()
    if current != head:
        raise CliError(
            f"The database is not up to date (at {current or 'no revision'}, newest is {head}). "
            "Run `cliqmenu migrate` first."
        )


def _cmd_migrate(_args: argparse.Namespace) -> int:
    url = get_settings().database_url
    before, after = migrate(url)
    if before == after:
        print(f"Database {safe_url(url)} is up to date (revision {after}).")
    else:
        print(f"Migrated {safe_url(url)} from {before or 'an empty database'} to {after}.")
    return 0


def _cmd_seed_demo(_args: argparse.Namespace) -> int:
    require_migrated()
    try:
        get_settings().signing_key()  # the demo staff join by signed invitation links
    except ValueError as error:
        raise CliError(str(error)) from None
    with session_scope() as session:
        created = demo_data.seed_demo(session)
    if not created:
        print(f"The demo business '{demo_data.BUSINESS_NAME}' already exists; nothing to do.")
        return 0
    print(
        f"Created the demo business '{demo_data.BUSINESS_NAME}' with trucks "
        f"{demo_data.CBD_TRUCK_SLUG} and {demo_data.BEACH_TRUCK_SLUG}. Demo logins:"
    )
    for login in demo_data.DEMO_LOGINS:
        print(f"  {login.role.label:<14} {login.email:<28} {login.password}")
    return 0


def _find_business(session: Session, name: str) -> Business | None:
    matches = session.exec(select(Business).where(func.lower(Business.name) == name.lower())).all()
    if len(matches) > 1:
        raise CliError(f"More than one business is called '{name}'.")
    return matches[0] if matches else None


def _existing_owner(session: Session, business: Business) -> StaffMember | None:
    return session.exec(
        select(StaffMember).where(
            StaffMember.business_id == business.id, StaffMember.role == Role.OWNER
        )
    ).first()


def _ask_password(email: str) -> str:
    try:
        first = getpass.getpass(f"Password for {email}: ")
        if len(first) < staff.MIN_PASSWORD:
            raise CliError(f"Choose a password of at least {staff.MIN_PASSWORD} characters.")
        if getpass.getpass("Repeat the password: ") != first:
            raise CliError("The passwords do not match.")
    except EOFError:
        raise CliError("No password given (use --password when there is no terminal).") from None
    return first


def _cmd_create_owner(args: argparse.Namespace) -> int:
    name = args.business.strip()
    if not name or len(name) > 120:
        raise CliError("--business must be 1 to 120 characters.")
    currency = args.currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise CliError("--currency must be a three-letter code such as AUD.")
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(f"Unknown time zone '{args.timezone}' (try Australia/Sydney).") from None
    email = staff.normalize_email(args.email)
    owner_name = args.name.strip()
    if not owner_name or len(owner_name) > 120:
        raise CliError("--name must be 1 to 120 characters.")
    require_migrated()

    # Check everything that can be checked before asking for a password.
    with Session(get_engine()) as session:
        business = _find_business(session, name)
        if business is not None and (owner := _existing_owner(session, business)):
            raise CliError(f"'{business.name}' already has an owner ({owner.email}).")
        if session.exec(select(StaffMember.id).where(StaffMember.email == email)).first():
            raise CliError(f"{email} already has an account.")
    password = args.password if args.password is not None else _ask_password(email)
    staff.hash_password(password)  # checks the password rules before anything is written

    with session_scope() as session:
        business = _find_business(session, name)
        created = business is None
        if business is None:
            business = Business(name=name, currency=currency, timezone=args.timezone)
            session.add(business)
            session.flush()
        elif _existing_owner(session, business):
            raise CliError(f"'{business.name}' already has an owner.")
        staff.create_owner(
            session, business=business, email=email, name=owner_name, password=password
        )
        business_name = business.name
    what = "Created the business" if created else "Added an owner to"
    print(f"{what} '{business_name}': {email} can now sign in as Owner.")
    return 0


def _cmd_deliver_mail(_args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.smtp_enabled:
        raise CliError(
            "No email server is set (CLIQMENU_SMTP_HOST); emails are printed to the log instead."
        )
    try:
        server = SmtpServer.from_settings(settings)
    except ValueError as error:
        raise CliError(str(error)) from None
    require_migrated()
    report = mail_delivery.deliver_due(server)
    print(
        f"Sent {report.sent}, {report.retrying} to retry later, {report.failed} failed "
        f"(via {server.host}:{server.port})."
    )
    return 0


def _cmd_print_tickets(_args: argparse.Namespace) -> int:
    require_migrated()
    report = print_delivery.print_due()
    print(f"Printed {report.printed} ticket(s); {report.retrying} wait for a printer to answer.")
    return 0


def _cmd_expire_orders(_args: argparse.Namespace) -> int:
    require_migrated()
    expired = len(order_expiry.expire_round())
    print(f"Expired {expired} online order(s) not paid within an hour.")
    return 0


def _cmd_restock_day(_args: argparse.Namespace) -> int:
    require_migrated()
    trucks = len(restock.restock_round())
    print(f'"Out today" stock back in at {trucks} truck(s).')
    return 0


def _cmd_send_reminders(_args: argparse.Namespace) -> int:
    require_migrated()
    reminded = reminders.reminder_round()
    print(f"Reminded the Order Managers of {reminded} order(s) waiting unaccepted.")
    return 0


def _cmd_push_keys(args: argparse.Namespace) -> int:
    require_migrated()
    with session_scope() as session:
        if args.rotate:
            forgotten = notifications.rotate_vapid_key(session)
            key = notifications.vapid_key(session)
            print(
                f"New Web Push key made; {forgotten} device(s) made for the old one were "
                "forgotten. Each member taps Turn on notifications again on their devices "
                "(the Order Manager screen says notifications are off until they do)."
            )
        else:
            key = notifications.vapid_key(session)
            devices = notifications.device_count(session)
            made = key.created_at.strftime("%Y-%m-%d %H:%M UTC")
            print(f"Web Push key made {made}; {devices} device(s) subscribed with it.")
        print(f"Public key (the pages' applicationServerKey): {key.public_key}")
    return 0


def _cmd_release_preorders(_args: argparse.Namespace) -> int:
    require_migrated()
    released = len(preorder_release.release_round())
    print(f"Sent {released} pre-order(s) to the kitchen.")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    url = get_settings().database_url
    backup.backup(url, Path(args.file))
    print(f"Backed up {safe_url(url)} to {args.file}.")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    url = get_settings().database_url
    backup.restore(Path(args.file), url)
    print(f"Restored {args.file} into {safe_url(url)}. Run `cliqmenu migrate` before starting.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cliqmenu",
        description="CliqMenu OMS administration. The database is REFLEX_DB_URL "
        "(default sqlite:///data/cliqmenu.db).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate_parser = commands.add_parser(
        "migrate", help="upgrade the database schema to the newest"
    )
    migrate_parser.set_defaults(handler=_cmd_migrate)

    seed = commands.add_parser(
        "seed-demo", help=f"create the demo business '{demo_data.BUSINESS_NAME}' (once)"
    )
    seed.set_defaults(handler=_cmd_seed_demo)

    owner = commands.add_parser(
        "create-owner",
        help="create the owner of a business (and the business, if it is new)",
    )
    owner.add_argument("--business", required=True, help="business name")
    owner.add_argument("--email", required=True, help="the owner's sign-in email")
    owner.add_argument("--name", required=True, help="the owner's name")
    owner.add_argument(
        "--password",
        help="the password (visible to other users of this machine; omit to be asked)",
    )
    owner.add_argument("--currency", default="AUD", help="currency of a new business (AUD)")
    owner.add_argument("--timezone", default="Australia/Sydney", help="time zone of a new business")
    owner.set_defaults(handler=_cmd_create_owner)

    deliver = commands.add_parser(
        "deliver-mail", help="send the emails waiting in the outbox once (needs CLIQMENU_SMTP_*)"
    )
    deliver.set_defaults(handler=_cmd_deliver_mail)

    printing = commands.add_parser(
        "print-tickets", help="send the tickets waiting for the trucks' printers once"
    )
    printing.set_defaults(handler=_cmd_print_tickets)

    expire = commands.add_parser(
        "expire-orders", help="expire online orders not paid within an hour, once (for cron)"
    )
    expire.set_defaults(handler=_cmd_expire_orders)

    restocking = commands.add_parser(
        "restock-day",
        help='put "out today" stock back in at trucks whose new day began, once (for cron)',
    )
    restocking.set_defaults(handler=_cmd_restock_day)

    reminding = commands.add_parser(
        "send-reminders",
        help="push reminders of orders waiting unaccepted past their truck's threshold, once "
        "(for cron)",
    )
    reminding.set_defaults(handler=_cmd_send_reminders)

    keys = commands.add_parser(
        "push-keys", help="show the Web Push (VAPID) key, or make a new one with --rotate"
    )
    keys.add_argument(
        "--rotate",
        action="store_true",
        help="make a new key pair; every device subscribed with the old one is forgotten and "
        "must turn notifications on again",
    )
    keys.set_defaults(handler=_cmd_push_keys)

    releasing = commands.add_parser(
        "release-preorders",
        help="send pre-orders whose time has come to the kitchen, once (for cron)",
    )
    releasing.set_defaults(handler=_cmd_release_preorders)

    saving = commands.add_parser(
        "backup", help="copy the whole database to a new file, while the app runs"
    )
    saving.add_argument("file", help="the backup file to write (must not exist)")
    saving.set_defaults(handler=_cmd_backup)

    loading = commands.add_parser(
        "restore", help="load a backup into the (new, empty) database REFLEX_DB_URL names"
    )
    loading.add_argument("file", help="a file written by `cliqmenu backup`")
    loading.set_defaults(handler=_cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (CliError, DomainError, backup.BackupError) as error:
        print(f"cliqmenu {args.command}: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        url = safe_url(get_settings().database_url)
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(f"cliqmenu {args.command}: database error on {url}: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
