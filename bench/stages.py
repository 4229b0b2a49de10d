"""Where the time of benchmark 3 goes: ``python -m bench.stages [rate] [seconds]``.

Runs benchmark 3's steady load (``rate`` submissions/s for ``seconds``, default 20 and 15, after its
warm-up) on its own stack, then, before the stack is dropped, reads the time stamps the platform already
writes and prints p50 / p90 / p99 of each stage of the chain, in milliseconds:

1. ``submit -> cards outbox``: the request sent -> ``outbox.created_at`` of ``cards.session_submitted``;
2. ``cards relay``: ``created_at`` -> ``published_at`` (commit, wake-up, publish, confirm);
3. ``broker -> billing``: ``published_at`` -> billing's ``inbox.handled_at`` (delivery, batch, parsing);
4. ``billing handler``: ``inbox.handled_at`` -> ``outbox.created_at`` of ``billing.invoice_issued``;
5. ``billing commit + relay``: -> its ``published_at`` (numbering at commit, wake-up, publish, confirm);
6. ``broker -> notifier``: -> notifier's ``inbox.handled_at``;
7. ``notifier handler``: -> ``messages.created_at`` of the invoice email (the pending email staged);
8. ``notifier commit + sender``: -> the email's end of DATA at the SMTP sink (commit, the sender's wake-up,
   claim, composition, SMTP).

Every stamp is ``datetime.now(timezone.utc)`` of one machine, taken before the commit it belongs to, so a
commit's own time shows in the stage after it. Rows are joined on the session id (outboxes) and the event
id (inboxes, messages).
"""
from __future__ import annotations

import sys
import time
from datetime import datetime

import psycopg

from bench.common import percentile
from bench.end_to_end import Submitter, prepare_requests, smtp_env, wait_emails, warm_up
from bench.platform_stack import Trainer, psycopg_url, running_stack
from bench.smtp_sink import SmtpSink

STAGES = ("submit -> cards outbox", "cards relay", "broker -> billing", "billing handler",
          "billing commit + relay", "broker -> notifier", "notifier handler",
          "notifier commit + sender", "whole chain")


def _rows(url: str, query: str, *args) -> list[tuple]:
    with psycopg.connect(psycopg_url(url)) as connection:
        return connection.execute(query, args).fetchall()


def _handled(url: str, event_type: str) -> dict[str, datetime]:
    """event_id -> inbox.handled_at of ``event_type`` in the consumer's database."""
    return {event_id: at for event_id, at in _rows(
        url, "SELECT event_id, handled_at FROM inbox WHERE event_type = %s", event_type)}


def _published(url: str, event_type: str) -> dict[str, tuple]:
    """session id -> (event_id, created_at, published_at) of ``event_type`` in the producer's outbox."""
    return {session_id: (event_id, created, published) for event_id, session_id, created, published in _rows(
        url, "SELECT event_id, envelope->'payload'->>'session_id', created_at, published_at "
             "FROM outbox WHERE event_type = %s", event_type)}


def measure(stack, sink: SmtpSink, rate: float, seconds: float) -> dict[str, list[float]]:
    ids, emails = prepare_requests(stack.base_url, int(rate * seconds), "stages")
    submitter = Submitter(stack.base_url, Trainer(stack.base_url).token)
    warm_up(stack.base_url, sink, submitter, rate)
    wall_minus_monotonic = time.time() - time.monotonic()
    times = submitter.submit_all(ids, rate)
    wait_emails(sink, emails)
    urls = stack.layout.database_urls
    submitted = _published(urls["cards"], "cards.session_submitted")
    invoiced = _published(urls["billing"], "billing.invoice_issued")
    at_billing = _handled(urls["billing"], "cards.session_submitted")
    at_notifier = _handled(urls["notifier"], "billing.invoice_issued")
    staged = dict(_rows(urls["notifier"], "SELECT event_id, created_at FROM messages WHERE template = %s",
                        "invoice_issued"))
    stages: dict[str, list[float]] = {name: [] for name in STAGES}
    for session_id, email, (sent, _answered) in zip(ids, emails, times, strict=True):
        sent_wall = sent + wall_minus_monotonic
        smtp_wall = sink.arrivals[email] + wall_minus_monotonic
        cards_event, cards_created, cards_published = submitted[session_id]
        billing_event, billing_created, billing_published = invoiced[session_id]
        marks = [sent_wall, cards_created.timestamp(), cards_published.timestamp(),
                 at_billing[cards_event].timestamp(), billing_created.timestamp(), billing_published.timestamp(),
                 at_notifier[billing_event].timestamp(), staged[billing_event].timestamp(), smtp_wall]
        for name, start, end in zip(STAGES, marks, marks[1:], strict=False):
            stages[name].append(1000 * (end - start))
        stages["whole chain"].append(1000 * (smtp_wall - sent_wall))
    return stages


def main(rate: float = 20.0, seconds: float = 15.0) -> None:
    with SmtpSink() as sink, running_stack("stages", env=smtp_env(sink)) as stack:
        time.sleep(3)  # the demo accounts' events settle
        stages = measure(stack, sink, rate, seconds)
    print(f"{int(rate * seconds)} submissions at {rate:g}/s, ms")
    print("| stage | p50 | p90 | p99 | max |\n|---|---|---|---|---|")
    for name, values in stages.items():
        print(f"| {name} | {percentile(values, 0.5):.1f} | {percentile(values, 0.9):.1f} | "
              f"{percentile(values, 0.99):.1f} | {max(values):.1f} |")


if __name__ == "__main__":
    main(*(float(arg) for arg in sys.argv[1:]))
