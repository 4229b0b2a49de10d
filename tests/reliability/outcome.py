"""The end state of a scenario, read from each service's database and from the emails written.

For every card request of the workload: its status in cards, its invoices and the payments applied
to them in billing, and the emails the notifier delivered (``.eml`` files: no SMTP host is set), by
kind and invoice number taken from the subject. ``lost`` counts requests that lack an effect,
``duplicated`` counts every effect beyond the first.
"""
from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import create_engine, text

INVOICE_SUBJECT = re.compile(r"^(?:Facture|Invoice) (\d{4}-\d{6})\b")
PAYMENT_SUBJECT = re.compile(r"(?:Paiement reçu|Payment received).*?(\d{4}-\d{6})")


@dataclass
class Outcome:
    requests: int
    cards_paid: int = 0
    invoiced_once: int = 0
    paid_once: int = 0
    invoice_emails_once: int = 0
    payment_emails_once: int = 0
    lost: dict = field(default_factory=dict)
    duplicated: dict = field(default_factory=dict)
    pending_emails: int = 0

    @property
    def lost_total(self) -> int:
        return sum(self.lost.values())

    @property
    def duplicated_total(self) -> int:
        return sum(self.duplicated.values())

    @property
    def complete(self) -> bool:
        return self.lost_total == 0

    def summary(self) -> str:
        return (f"{self.requests} requests: cards paid {self.cards_paid}, invoiced once {self.invoiced_once}, "
                f"paid once {self.paid_once}, invoice email once {self.invoice_emails_once}, payment email once "
                f"{self.payment_emails_once}; lost {self.lost_total} {self.lost}; duplicated "
                f"{self.duplicated_total} {self.duplicated}; emails pending {self.pending_emails}")


def _rows(url: str, sql: str, **params) -> list:
    engine = create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).all()
    finally:
        engine.dispose()


def emails_by_number(folder: Path) -> tuple[Counter, Counter]:
    """(invoice emails, payment emails) delivered, counted by invoice number."""
    parser = BytesParser(policy=policy.default)
    invoices, payments = Counter(), Counter()
    seen: set[str] = set()
    for path in folder.glob("*.eml") if folder.exists() else []:
        with open(path, "rb") as handle:
            headers = parser.parse(handle, headersonly=True)
        # A copy re-sent after a crash between the SMTP acceptance and the notifier's bookkeeping has the
        # same Message-ID (services/notifier/domain/mail_compose.py): one email, not a duplicate.
        message_id = str(headers["Message-ID"] or path.name)
        if message_id in seen:
            continue
        seen.add(message_id)
        subject = str(headers["Subject"] or "")
        if match := INVOICE_SUBJECT.search(subject):
            invoices[match.group(1)] += 1
        elif match := PAYMENT_SUBJECT.search(subject):
            payments[match.group(1)] += 1
    return invoices, payments


def measure(database_urls: dict[str, str], mail_folder: Path, session_ids: list[str]) -> Outcome:
    ids = list(session_ids)
    outcome = Outcome(requests=len(ids))
    statuses = dict(_rows(database_urls["cards"], "select id, status from sessions where id = any(:ids)", ids=ids))
    invoices = _rows(database_urls["billing"],
                     "select i.session_id, i.number, i.status, i.total, "
                     "(select count(*) from payment_allocations a where a.invoice_id = i.id), "
                     "(select coalesce(sum(a.amount), 0) from payment_allocations a where a.invoice_id = i.id) "
                     "from invoices i where i.session_id = any(:ids)", ids=ids)
    pending = _rows(database_urls["notifier"], "select count(*) from messages where status <> 'sent' "
                    "and template in ('invoice_issued', 'payment_received')")[0][0]
    invoice_mails, payment_mails = emails_by_number(mail_folder)

    per_session = Counter(row[0] for row in invoices)
    lost, duplicated = Counter(), Counter()
    numbers = {}
    for row in invoices:
        numbers.setdefault(row[0], row[1])
    for session_id in ids:
        outcome.cards_paid += statuses.get(session_id) == "paid"
        if statuses.get(session_id) != "paid":
            lost["cards_not_paid"] += 1
        count = per_session.get(session_id, 0)
        outcome.invoiced_once += count == 1
        lost["not_invoiced"] += count == 0
        duplicated["invoices"] += max(0, count - 1)
        number = numbers.get(session_id)
        invoice_emails = invoice_mails.get(number, 0) if number else 0
        payment_emails = payment_mails.get(number, 0) if number else 0
        outcome.invoice_emails_once += invoice_emails == 1
        outcome.payment_emails_once += payment_emails == 1
        lost["invoice_email_missing"] += invoice_emails == 0
        lost["payment_email_missing"] += payment_emails == 0
        duplicated["invoice_emails"] += max(0, invoice_emails - 1)
        duplicated["payment_emails"] += max(0, payment_emails - 1)
    for _session_id, _number, status, total, payments, amount in invoices:
        outcome.paid_once += status == "paid" and payments == 1 and amount == total
        lost["invoice_not_paid"] += status != "paid" or payments == 0
        duplicated["payments"] += max(0, payments - 1)
        duplicated["overpaid"] += amount > total
    outcome.lost = {name: value for name, value in lost.items() if value}
    outcome.duplicated = {name: value for name, value in duplicated.items() if value}
    outcome.pending_emails = pending
    return outcome


def wait_for_outcome(database_urls: dict[str, str], mail_folder: Path, session_ids: list[str],
                     timeout: float, on_wait=None) -> tuple[Outcome, float]:
    """Measures until nothing is lost or ``timeout``; returns the last outcome and the seconds waited."""
    began = time.monotonic()
    while True:
        outcome = measure(database_urls, mail_folder, session_ids)
        waited = time.monotonic() - began
        if outcome.complete or waited > timeout:
            return outcome, waited
        if on_wait is not None:
            on_wait(outcome)
        time.sleep(1.0)


def published_events(database_urls: dict[str, str]) -> dict[str, int]:
    """Outbox rows each producer published (cards and billing: the events of this flow)."""
    return {service: _rows(database_urls[service], "select count(*) from outbox where published_at is not null")[0][0]
            for service in ("auth", "cards", "billing")}


def inbox_rows(database_urls: dict[str, str]) -> dict[str, int]:
    """Events each consumer applied (one inbox row per event, whatever the number of deliveries)."""
    return {service: _rows(database_urls[service], "select count(*) from inbox")[0][0]
            for service in ("cards", "billing", "notifier")}


def duplicates_skipped(platform) -> int:
    """Deliveries the consumers' inboxes recognised and skipped (``consumer.duplicate_skipped`` log lines)."""
    return sum(platform.log_count(name, "consumer.duplicate_skipped")
               for name in ("cards-worker", "billing-worker", "notifier-worker"))
