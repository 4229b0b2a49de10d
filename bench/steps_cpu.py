"""The CPU of the chain's heaviest steps, each in this one process: ``python -m bench steps_cpu``.

Benchmark 3's CPU per submission (``bench.cpu_budget``) sums whole processes over a burst; on a machine shared
with other work its runs spread by a third, more than a change to one step moves them. Here each step runs
alone, ``STEPS_N`` times (300), timed by this thread's CPU clock (``time.thread_time``: the SMTP sink's and the
watchdog's threads are not counted), against real PostgreSQL databases of billing and the notifier:

- billing: a ``cards.session_submitted`` applied as the consumer applies it (inbox, invoice, PDF, number, event),
  and the invoice PDF drawn alone;
- notifier: a ``billing.invoice_issued`` applied (the email staged, its bodies rendered once as a check), the
  staged emails sent to an SMTP sink, and an invoice email built and written as smtplib writes it.

``--compare REV --same-harness`` puts two commits side by side, as for the other benchmarks.
"""
from __future__ import annotations

import io
import os
import time
import uuid
from email.generator import BytesGenerator

from sqlalchemy import select

from bench.common import Figure
from chassis.bus import metrics
from chassis.bus.applying import BatchApplier, Delivery
from chassis.db import Database
from chassis.logging import get_logger
from tests.infra import migrated_database

BENCH = "3 chain steps CPU"
STEPS = int(os.environ.get("STEPS_N", "300"))
WARM_UP = 30


def per_unit(step, count: int = STEPS) -> float:
    """CPU ms of this thread per ``step(1)``, after ``WARM_UP`` untimed ones."""
    step(WARM_UP)
    started = time.thread_time()
    step(count)
    return (time.thread_time() - started) / count * 1000


def billing_steps() -> dict[str, float]:
    from services.billing.config import BillingSettings, load_config
    from services.billing.consumers import HANDLERS
    from services.billing.db.models import Invoice
    from services.billing.domain.numbered_pdf import draw_unnumbered
    from services.billing.operations.invoices import invoice_document
    from tests.billing.support import envelope, submitted_payload

    db = Database(migrated_database("billing", "bench_steps_billing"))
    applier = BatchApplier("billing", db, metrics.instrumented("billing", HANDLERS), get_logger("bench"),
                           after_commit=lambda _applied: None)

    def issue(count: int) -> None:
        for _ in range(count):
            event = envelope("cards.session_submitted", submitted_payload(participant_count=3))
            applier.apply([Delivery(None, b"", {}, event)])

    figures = {"billing: a submission applied (invoice, PDF, number, event)": per_unit(issue)}
    settings = BillingSettings.from_config(load_config())
    with db.reading() as session:
        invoice = session.scalars(select(Invoice).limit(1)).one()
        invoice.lines  # noqa: B018 (loaded before the session closes)

    def draw(count: int) -> None:
        for _ in range(count):
            draw_unnumbered(lambda number: invoice_document(invoice, settings, number), settings.seller, 2026)

    figures["billing: the invoice PDF drawn"] = per_unit(draw)
    db.dispose()
    return figures


def notifier_steps() -> dict[str, float]:
    from services.notifier.consumers import build_handlers
    from services.notifier.db.models import Message
    from services.notifier.domain.mail_compose import build_email
    from services.notifier.operations.mail_delivery import MailSender
    from tests.notifier.support import SmtpSink, clear_tables, envelope, invoice, make_settings

    db = Database(migrated_database("notifier", "bench_steps_notifier"))
    sink = SmtpSink().start()
    try:
        settings = make_settings(db.url, sink.port, BATCH_SIZE="50")
        clear_tables(db)
        applier = BatchApplier("notifier", db, metrics.instrumented("notifier", build_handlers(settings)),
                               get_logger("bench"), after_commit=lambda _applied: None)
        sender = MailSender(db, settings)

        def stage(count: int) -> None:
            for _ in range(count):
                payload = invoice(number=f"2026-{uuid.uuid4().int % 999999:06d}", invoice_id=str(uuid.uuid4()))
                applier.apply([Delivery(None, b"", {}, envelope("billing.invoice_issued", payload))])

        figures = {"notifier: an invoice email staged": per_unit(stage)}
        while sender.deliver_due():  # the staged ones out of the way, then STEPS sent on the clock
            pass
        stage(STEPS)
        started, sent = time.thread_time(), 0
        while batch := sender.deliver_due():
            sent += batch
        figures["notifier: an email sent (claimed, built, SMTP, recorded)"] = (
            (time.thread_time() - started) / max(sent, 1) * 1000)
        with db.reading() as session:
            message = session.scalars(select(Message).limit(1)).one()
            session.expunge_all()
        message.attachment_data = bytes(range(256)) * 24  # a 6 KB attachment, as an invoice PDF

        def write(count: int) -> None:
            for _ in range(count):
                email = build_email(message, "Guichet <no-reply@guichet.test>")
                BytesGenerator(io.BytesIO(), policy=email.policy.clone(linesep="\r\n")).flatten(email)

        figures["notifier: an invoice email built and written"] = per_unit(write)
        db.dispose()
        return figures
    finally:
        sink.stop()


def run(runs: int = 3) -> list[Figure]:
    figures: dict[str, Figure] = {}
    for _ in range(runs):
        for name, ms in {**billing_steps(), **notifier_steps()}.items():
            figures.setdefault(name, Figure(BENCH, f"CPU per unit, {name}", "ms", higher_is_better=False)).add(ms)
    return list(figures.values())
