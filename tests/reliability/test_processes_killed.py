"""Issue 9, reliability 2: billing's worker, billing's relay and the notifier's worker each SIGKILLed mid-run.

Each one is killed while it has work in hand (the worker while requests are being submitted, the
relay while invoices are issued and paid, the notifier while it is sending emails) and started again
one second later, as an orchestrator would. Same outcome as scenario 1: lost 0, duplicated 0.

The notifier takes due emails with a 5-minute lease (``services/notifier/operations/claiming.py``); the
emails a killed notifier had taken wait for that lease. By default the test makes that time pass
(it moves the dead worker's leases to now, the state the database would reach 5 minutes later) and
reports how many there were; ``RELIABILITY_REAL_LEASES=1`` waits the real 5 minutes instead.
"""
from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from tests.reliability.bus_state import queue_depth
from tests.reliability.conftest import scenario_timeout, setting
from tests.reliability.figures import FaultPlan, report
from tests.reliability.outcome import duplicates_skipped, inbox_rows, published_events, wait_for_outcome
from tests.reliability.workload import Workload

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(scenario_timeout())]

VICTIMS = ("billing-worker", "billing-relay", "notifier-worker")


def leased_emails(notifier_url: str, expire: bool) -> int:
    """Pending emails whose lease holder is gone (next attempt more than a minute away); ``expire`` frees them."""
    engine = create_engine(notifier_url)
    try:
        with engine.begin() as connection:
            condition = "status = 'pending' and next_attempt_at > now() + interval '60 seconds'"
            if expire:
                update = text(f"update messages set next_attempt_at = now() where {condition}")
                return connection.execute(update).rowcount
            return connection.execute(text(f"select count(*) from messages where {condition}")).scalar()
    finally:
        engine.dispose()


def test_a_worker_a_relay_and_the_notifier_killed_lose_and_duplicate_nothing(private_platform):
    stack, platform = private_platform, private_platform.platform
    size = setting("SESSIONS", 200)
    settle = setting("SETTLE_SECONDS", 240)
    real_leases = os.environ.get("RELIABILITY_REAL_LEASES") == "1"
    workload = Workload(platform, "processes", threads=setting("THREADS", 6))
    session_ids = workload.create(size)
    published_before = published_events(stack.database_urls)
    inbox_before = inbox_rows(stack.database_urls)
    skipped_before = duplicates_skipped(platform)
    progress: dict[str, str] = {}
    held = {"emails": 0}

    def crash(name: str):
        def action():
            progress[name] = f"submitted {len(workload.submitted)}/{size}, paid {len(workload.paid)}/{size}"
            platform.kill(name)
            if name == "notifier-worker":  # the only notifier is dead: every lease is the dead one's
                held["emails"] = leased_emails(stack.database_urls["notifier"], expire=not real_leases)
            time.sleep(1.0)
            platform.start(name)
        return action

    faults = FaultPlan([
        ("billing-worker", lambda: len(workload.submitted) >= size // 4, crash("billing-worker")),
        ("billing-relay", lambda: len(workload.submitted) >= size // 2, crash("billing-relay")),
        ("notifier-worker", lambda: len(workload.paid) >= size // 4, crash("notifier-worker")),
    ], timeout=settle)
    stop_paying = threading.Event()
    payer = threading.Thread(target=workload.pay_until_done, args=(stop_paying, settle), daemon=True)
    began = time.monotonic()
    faults.start()
    payer.start()
    workload.submit_all(session_ids)
    payer.join(timeout=settle + 30)
    faults.join(timeout=60)
    outcome, waited = wait_for_outcome(stack.database_urls, platform.mail_folder, session_ids,
                                       timeout=settle + (330 if real_leases else 0))
    stop_paying.set()
    elapsed = time.monotonic() - began
    dead = {service: queue_depth(stack.rabbit.url, f"guichet.events.{service}.dead")
            for service in ("cards", "billing", "notifier")}
    published = {name: count - published_before[name] for name, count in published_events(stack.database_urls).items()}
    applied = {name: count - inbox_before[name] for name, count in inbox_rows(stack.database_urls).items()}
    redeliveries = duplicates_skipped(platform) - skipped_before
    report("billing worker, billing relay, notifier worker SIGKILLed", requests=size,
           published=sum(published.values()), published_by=published, applied_by=applied,
           kills=len([name for name in platform.kills if name in VICTIMS]), progress_at_kills=progress,
           lost=outcome.lost_total, duplicated=outcome.duplicated_total, dead_lettered=dead,
           emails_held_by_dead_lease=held["emails"], real_leases=real_leases,
           redeliveries_skipped=redeliveries, seconds=round(elapsed, 1), settle_seconds=round(waited, 1))

    assert faults.error is None, faults.error
    assert faults.done == list(VICTIMS), f"the faults did not all happen: {faults.done} {progress}"
    assert outcome.complete, outcome.summary()
    assert outcome.duplicated_total == 0, outcome.summary()
    assert outcome.invoiced_once == outcome.paid_once == outcome.cards_paid == size, outcome.summary()
    assert outcome.invoice_emails_once == outcome.payment_emails_once == size, outcome.summary()
    assert all(depth == 0 for depth in dead.values()), f"events dead-lettered: {dead}"
