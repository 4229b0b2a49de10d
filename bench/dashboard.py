"""The ASSTSAS staff dashboard (issue 23) over a year of requests: its time to render, through the gateway.

One isolated stack (``bench.platform_stack``: every service in its own processes, nginx in front on a free port)
gets ``BENCH_DASHBOARD_REQUESTS`` (10,000) card requests spread over the last 12 months, with their participants,
invoices and payments, written in bulk into the cards and billing databases (``bench.dashboard_seed``: the rows
the services would have written). The ASSTSAS staff demo account then signs in, through the gateway, to the web
app (the login form) and to the API (a bearer token), and after one warm-up of each, ``--runs`` times:

- ``GET /staff/dashboard``: the whole page as a browser gets it (the web app asks cards then billing for their
  figures, draws the SVG charts and renders the HTML), default period (the last 12 months);
- ``GET /api/cards/stats`` and ``GET /api/billing/stats`` for the same period: the two calls behind the page.

Each page is checked to show the seeded totals (requests, cards, payments received, open balance): a dashboard
that answered fast but wrong would fail the run rather than give a figure. The AQPM dashboard is not measured:
nothing seeds the productions service.
"""
from __future__ import annotations

import html
import os
import re
import sys
import time

import requests
from sqlalchemy import create_engine, func, select

from bench.common import Figure, wait_until
from bench.dashboard_seed import Seeded, seed
from bench.platform_stack import DEMO_PASSWORD, running_stack
from chassis.i18n import format_money, format_number
from services.cards.db.models import Trainer

REQUESTS = int(os.environ.get("BENCH_DASHBOARD_REQUESTS", "10000"))
BENCH = "dashboard"
STAFF = "staff@asstsas.demo"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ALERT = re.compile(r'role="alert">([^<]*)<')


def expected_texts(seeded: Seeded) -> list[tuple[str, ...]]:
    """What the page says of the seeded totals, in French (the default language), as its summaries word them;
    a count may be written plain or grouped by thousands."""
    def count(number: int, word: str) -> tuple[str, ...]:
        plural = "s" if number > 1 else ""
        return tuple(f"{text} {word.format(s=plural)}" for text in dict.fromkeys((str(number), format_number(number))))
    return [count(seeded.requests, "demande{s} soumise{s}"), count(seeded.cards, "carte{s} demandée{s}"),
            (f"{format_money(seeded.paid)} reçus",), (f"{format_money(seeded.open_balance)} restent à payer",)]


def missing_totals(page: str, seeded: Seeded) -> list[str]:
    text = html.unescape(page)
    return [forms[0] for forms in expected_texts(seeded) if not any(form in text for form in forms)]


def staff_web_session(base_url: str, attempts: int = 3) -> requests.Session:
    """The ASSTSAS staff demo account signed in to the web app through its login form (tried again a few times:
    on a loaded machine the web app's call to auth may time out)."""
    for attempt in range(attempts):
        http = requests.Session()
        form = http.get(f"{base_url}/login", timeout=30)
        form.raise_for_status()
        answer = http.post(f"{base_url}/login", timeout=30, allow_redirects=False,
                           data={"csrf_token": CSRF.search(form.text).group(1), "login": STAFF,
                                 "password": DEMO_PASSWORD})
        if answer.status_code == 302:
            return http
        said = [html.unescape(text) for text in ALERT.findall(answer.text)]
        print(f"  staff login to the web app: {answer.status_code} {said}", file=sys.stderr, flush=True)
        time.sleep(5 * (attempt + 1))
    raise RuntimeError(f"staff login to the web app refused {attempts} times: {answer.status_code} {said}")


def staff_api_session(base_url: str) -> requests.Session:
    http = requests.Session()
    answer = http.post(f"{base_url}/api/auth/login", json={"login": STAFF, "password": DEMO_PASSWORD}, timeout=30)
    answer.raise_for_status()
    http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return http


def timed_get(http: requests.Session, url: str, **params) -> tuple[float, requests.Response]:
    """Milliseconds from the request sent to the whole body read, and the response (a non-200 fails the run)."""
    started = time.perf_counter()
    response = http.get(url, params=params or None, timeout=120)
    elapsed = 1000 * (time.perf_counter() - started)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:300]}")
    return elapsed, response


def wait_for_trainer(cards_url: str) -> None:
    """Until cards has the demo trainer (auth's events about the demo accounts on their way)."""
    engine = create_engine(cards_url)
    try:
        def landed() -> bool:
            with engine.connect() as connection:
                return bool(connection.scalar(select(func.count()).select_from(Trainer)
                                              .where(Trainer.card_number.is_not(None))))
        wait_until(landed, 90, 0.5, "the demo trainer in cards")
    finally:
        engine.dispose()


def figures_of(count: int) -> dict[str, Figure]:
    over = f"over {count:,} requests (12 months)"
    return {"page": Figure(BENCH, f"GET /staff/dashboard, whole page {over}", "ms", higher_is_better=False),
            "cards": Figure(BENCH, f"GET /api/cards/stats {over}", "ms", higher_is_better=False),
            "billing": Figure(BENCH, f"GET /api/billing/stats {over}", "ms", higher_is_better=False)}


def measure(runs: int, count: int = REQUESTS) -> tuple[list[Figure], Seeded, str, dict]:
    """The figures, what was seeded, the last page's HTML and the last ``/api/cards/stats`` answer."""
    figures = figures_of(count)
    with running_stack("dashboard") as stack:
        urls = stack.layout.database_urls
        wait_for_trainer(urls["cards"])
        started = time.perf_counter()
        seeded = seed(urls, count)
        print(f"  seeded {seeded.requests:,} requests, {seeded.cards:,} cards, {seeded.payments:,} payments "
              f"in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        web, api, base = staff_web_session(stack.base_url), staff_api_session(stack.base_url), stack.base_url
        for index in range(runs + 1):  # the first one warms up every process up and is not counted
            page_ms, page = timed_get(web, f"{base}/staff/dashboard")
            if lacking := missing_totals(page.text, seeded):
                raise RuntimeError(f"the dashboard does not show the seeded totals: {lacking}")
            cards_ms, card_stats = timed_get(api, f"{base}/api/cards/stats")
            period = card_stats.json()["period"]
            billing_ms, _ = timed_get(api, f"{base}/api/billing/stats", **{"from": period["from"], "to": period["to"]})
            if index:
                figures["page"].add(page_ms)
                figures["cards"].add(cards_ms)
                figures["billing"].add(billing_ms)
                print(f"  run {index}/{runs}: page {page_ms:.0f} ms, cards stats {cards_ms:.0f} ms, "
                      f"billing stats {billing_ms:.0f} ms", file=sys.stderr, flush=True)
        return list(figures.values()), seeded, page.text, card_stats.json()


def run(runs: int = 3) -> list[Figure]:
    return measure(runs)[0]
