"""Outbox delivery throughput: N queued emails sent by W concurrent workers to a local SMTP server.

Each worker is a thread running delivery rounds (``deliver_due``) until nothing is due, as the
app's worker does; the SMTP server is aiosmtpd on 127.0.0.1 (the test suite's), so this measures
CliqMenu's own cost per email (claim, SMTP conversation, outcome) and checks that no email is
sent twice.

    python bench/mail_delivery.py --emails 300 --workers 1 2
    python bench/mail_delivery.py --db-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_mail
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session, SQLModel, delete  # noqa: E402

from cliqmenu.db import make_engine  # noqa: E402
from cliqmenu.infra.mail_delivery import deliver_due  # noqa: E402
from cliqmenu.infra.smtp import SmtpServer  # noqa: E402
from cliqmenu.models import OutboxEmail  # noqa: E402
from cliqmenu.services import outbox  # noqa: E402
from cliqmenu.settings import Settings, get_settings  # noqa: E402
from tests.smtp_server import MailServer  # noqa: E402


def run(db_url: str, emails: int, workers: int) -> tuple[float, int]:
    """Seconds to deliver ``emails`` with ``workers`` threads, and how many arrived twice."""
    engine = make_engine(db_url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.exec(delete(OutboxEmail))
        for n in range(emails):
            outbox.queue_email(
                session,
                business_id=None,
                kind="invitation",
                to=f"guest{n}@example.com",
                subject=f"Bench {n}",
                body_text=f"Hello {n}\n\nhttps://cliq.test/o/{n}",
            )
        session.commit()
    mail = MailServer()
    mail.start()
    settings = Settings(**mail.settings())
    server = SmtpServer.from_settings(settings)

    def worker() -> None:
        while deliver_due(server, engine=engine, settings=settings).handled:
            pass

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    mail.stop()
    engine.dispose()
    arrived = Counter(r for item in mail.inbox.received for r in item.recipients)
    assert len(arrived) == emails, f"{len(arrived)} of {emails} arrived"
    return took, sum(count - 1 for count in arrived.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", help="default: a temp SQLite file")
    parser.add_argument("--emails", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    os.environ["CLIQMENU_SMTP_HOST"] = "127.0.0.1"  # queue_email stores them as pending
    get_settings.cache_clear()
    with tempfile.TemporaryDirectory() as scratch:
        db_url = args.db_url or f"sqlite:///{scratch}/bench.db"
        print("| database | workers | emails | seconds | emails/s | sent twice |")
        print("|---|---|---|---|---|---|")
        for workers in args.workers:
            took, twice = run(db_url, args.emails, workers)
            kind = db_url.split(":", 1)[0].split("+")[0]
            rate = args.emails / took
            print(f"| {kind} | {workers} | {args.emails} | {took:.2f} | {rate:.0f} | {twice} |")


if __name__ == "__main__":
    main()
