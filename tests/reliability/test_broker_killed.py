"""Issue 9, reliability 1: the broker SIGKILLed twice while card requests are submitted and paid.

The first kill lands while the trainer is submitting (cards' relay, billing's worker and relay lose
their connections mid-stream), the second while staff record cheques (billing's relay is publishing
``payment_received`` / ``invoice_paid``, cards and the notifier are consuming). The node comes back
on the same Mnesia folder. Every request must end paid in cards, with one invoice, one payment, one
invoice email and one receipt email: lost 0, duplicated 0.
"""
from __future__ import annotations

import threading
import time

import pytest

from tests.reliability.conftest import scenario_timeout, setting
from tests.reliability.figures import FaultPlan, report
from tests.reliability.outcome import duplicates_skipped, inbox_rows, published_events, wait_for_outcome
from tests.reliability.workload import Workload

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(scenario_timeout())]

BROKER_DOWN_SECONDS = 3.0


def test_the_broker_killed_twice_loses_and_duplicates_nothing(private_platform):
    stack, platform = private_platform, private_platform.platform
    size = setting("SESSIONS", 200)
    workload = Workload(platform, "broker", threads=setting("THREADS", 6))
    session_ids = workload.create(size)
    published_before = published_events(stack.database_urls)
    inbox_before = inbox_rows(stack.database_urls)
    skipped_before = duplicates_skipped(platform)
    progress: dict[str, str] = {}
    kills_before = stack.rabbit.kills

    def crash_broker(name: str):
        def action():
            progress[name] = f"submitted {len(workload.submitted)}/{size}, paid {len(workload.paid)}/{size}"
            stack.rabbit.kill()
            time.sleep(BROKER_DOWN_SECONDS)
            stack.rabbit.start()
        return action

    faults = FaultPlan([
        ("kill-1", lambda: len(workload.submitted) >= size // 3, crash_broker("kill-1")),
        ("kill-2", lambda: len(workload.paid) >= size // 4, crash_broker("kill-2")),
    ], timeout=setting("SETTLE_SECONDS", 240))
    stop_paying = threading.Event()
    payer = threading.Thread(target=workload.pay_until_done, args=(stop_paying, setting("SETTLE_SECONDS", 240)),
                             daemon=True)
    began = time.monotonic()
    faults.start()
    payer.start()
    workload.submit_all(session_ids)
    payer.join(timeout=setting("SETTLE_SECONDS", 240) + 30)
    faults.join(timeout=60)
    outcome, waited = wait_for_outcome(stack.database_urls, platform.mail_folder, session_ids,
                                       timeout=setting("SETTLE_SECONDS", 240))
    stop_paying.set()
    elapsed = time.monotonic() - began

    published = {name: count - published_before[name] for name, count in published_events(stack.database_urls).items()}
    applied = {name: count - inbox_before[name] for name, count in inbox_rows(stack.database_urls).items()}
    redeliveries = duplicates_skipped(platform) - skipped_before
    report("broker SIGKILLed twice", requests=size, published=sum(published.values()), published_by=published,
           applied_by=applied, kills=stack.rabbit.kills - kills_before, progress_at_kills=progress,
           lost=outcome.lost_total, duplicated=outcome.duplicated_total, redeliveries_skipped=redeliveries,
           seconds=round(elapsed, 1), settle_seconds=round(waited, 1))

    assert faults.error is None, faults.error
    assert faults.done == ["kill-1", "kill-2"], f"the faults did not all happen: {faults.done} {progress}"
    assert outcome.complete, outcome.summary()
    assert outcome.duplicated_total == 0, outcome.summary()
    assert outcome.invoiced_once == outcome.paid_once == outcome.cards_paid == size, outcome.summary()
    assert outcome.invoice_emails_once == outcome.payment_emails_once == size, outcome.summary()
