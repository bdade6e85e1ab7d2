"""The one round every delivery worker runs (emails, push messages, print jobs): claim the next
due row, send it, record the outcome; until none is due, a batch is done, or a failure says the
rest should wait for the next round. The workers' own tests (test_mail_delivery.py,
test_push_delivery.py, test_printing.py) run it on real rows; this one its bounds."""

from __future__ import annotations

import datetime as dt

from cliqmenu.infra.claims import claim_round

NOON = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


class Work:
    """Rows 1..n due; ``failing`` rows fail to send (``"down"`` ones end the round)."""

    def __init__(self, rows: int, failing: dict[int, str] | None = None) -> None:
        self.waiting = list(range(1, rows + 1))
        self.failing = failing or {}
        self.done: list[tuple[int, str | None, str]] = []
        self.clocks: set[dt.datetime] = set()

    def claim(self, now: dt.datetime) -> int | None:
        self.clocks.add(now)
        return self.waiting.pop(0) if self.waiting else None

    def send(self, row: int) -> str | None:
        return self.failing.get(row)

    def record(self, row: int, failure: str | None, now: dt.datetime) -> str:
        self.clocks.add(now)
        return "sent" if failure is None else "retrying"

    def finished(self, row: int, failure: str | None, outcome: str) -> None:
        self.done.append((row, failure, outcome))

    def round(self, *, batch: int, now: dt.datetime | None = NOON) -> int:
        return claim_round(
            batch=batch,
            claim=self.claim,
            send=self.send,
            record=self.record,
            done=self.finished,
            stop=lambda failure: failure == "down",
            now=now,
        )


def test_a_round_handles_what_is_due_up_to_its_batch_on_the_round_s_clock() -> None:
    work = Work(5, failing={2: "busy"})
    assert work.round(batch=3) == 3
    assert work.done == [(1, None, "sent"), (2, "busy", "retrying"), (3, None, "sent")]
    assert work.round(batch=3) == 2  # then none is due
    assert work.clocks == {NOON}


def test_a_failure_that_says_the_server_is_down_leaves_the_rest_for_the_next_round() -> None:
    work = Work(4, failing={2: "down"})
    assert work.round(batch=10) == 2
    assert work.waiting == [3, 4]


def test_without_a_clock_each_claim_reads_the_app_s() -> None:
    work = Work(2)
    assert work.round(batch=10, now=None) == 2
    assert work.clocks and NOON not in work.clocks
