"""The ASSTSAS staff dashboard (issue 23) over a year of requests: its time to render, through the gateway.

One isolated stack (``bench.platform_stack``: every service in its own processes, nginx in front on a free port)
gets ``BENCH_DASHBOARD_REQUESTS`` (10,000) card requests spread over the last 12 months, with their participants,
invoices and payments, written in bulk into the cards and billing databases (``bench.dashboard_seed``: the rows
the services would have written). The ASSTSAS staff demo account then signs in, through the gateway, to the web
app (the login form) and to the API (a bearer token), and after one warm-up of each, ``--runs`` times:

- ``GET /staff/dashboard``: the whole page as a browser gets it (the web app asks cards then billing for their
  figures, draws the SVG charts and renders the HTML), default period (the last 12 months);
- ``GET /api/cards/stats`` and ``GET /api/billing/stats`` for the same period: the two calls behind the page.

The AQPM dashboard likewise: as many production sheets as requests, of 80 houses, with their hand-offs to SET
(``bench.dashboard_productions_seed``), ``GET /staff/productions/dashboard`` as AQPM staff and
``GET /api/productions/stats`` behind it.

Each page is checked to show the seeded totals (requests, cards, payments received, open balance; sheets,
hand-offs, active houses): a dashboard that answered fast but wrong fails the run rather than give a figure.
"""
from __future__ import annotations

import html
import os
import re
import sys
import time
from dataclasses import dataclass

import requests
from sqlalchemy import create_engine, func, select

from bench.common import Figure, wait_until
from bench.dashboard_productions_seed import SeededProductions, seed_productions
from bench.dashboard_seed import Seeded, seed
from bench.platform_stack import DEMO_PASSWORD, running_stack
from chassis.i18n import format_money, format_number
from services.cards.db.models import Trainer

REQUESTS = int(os.environ.get("BENCH_DASHBOARD_REQUESTS", "10000"))
BENCH = "dashboard"
STAFF, AQPM_STAFF = "staff@asstsas.demo", "staff@aqpm.demo"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ALERT = re.compile(r'role="alert">([^<]*)<')


def _count(number: int, words: str) -> tuple[str, ...]:
    """``12 demandes soumises``: a count written plain or grouped by thousands, singular or plural."""
    plural = "s" if number > 1 else ""
    return tuple(f"{text} {words.format(s=plural)}" for text in dict.fromkeys((str(number), format_number(number))))


def expected_texts(seeded: Seeded) -> list[tuple[str, ...]]:
    """What the ASSTSAS page says of the seeded totals, in French (the default language), as its summaries word
    them (any one of each tuple)."""
    return [_count(seeded.requests, "demande{s} soumise{s}"), _count(seeded.cards, "carte{s} demandée{s}"),
            (f"{format_money(seeded.paid)} reçus",), (f"{format_money(seeded.open_balance)} restent à payer",)]


def expected_productions_texts(seeded: SeededProductions) -> list[tuple[str, ...]]:
    return [_count(seeded.sheets, "fiche{s} créée{s}"), _count(seeded.handoffs, "passage{s} au SET"),
            _count(len(seeded.active_houses), "maison{s} active{s}")]


def missing_texts(page: str, expected: list[tuple[str, ...]]) -> list[str]:
    text = html.unescape(page)
    return [forms[0] for forms in expected if not any(form in text for form in forms)]


def staff_web_session(base_url: str, path: str, field: str, login: str, attempts: int = 3) -> requests.Session:
    """A staff demo account signed in to the web app through the login form at ``path`` (tried again a few
    times: on a loaded machine the web app's call to auth may time out)."""
    for attempt in range(attempts):
        http = requests.Session()
        form = http.get(f"{base_url}{path}", timeout=30)
        form.raise_for_status()
        answer = http.post(f"{base_url}{path}", timeout=30, allow_redirects=False,
                           data={"csrf_token": CSRF.search(form.text).group(1), field: login,
                                 "password": DEMO_PASSWORD})
        if answer.status_code == 302:
            return http
        said = [html.unescape(text) for text in ALERT.findall(answer.text)]
        print(f"  {login} login to the web app: {answer.status_code} {said}", file=sys.stderr, flush=True)
        time.sleep(5 * (attempt + 1))
    raise RuntimeError(f"{login} login to the web app refused {attempts} times: {answer.status_code} {said}")


def staff_api_session(base_url: str, login: str) -> requests.Session:
    http = requests.Session()
    answer = http.post(f"{base_url}/api/auth/login", json={"login": login, "password": DEMO_PASSWORD}, timeout=30)
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
    sheets = f"over {count:,} sheets (12 months)"
    return {"page": Figure(BENCH, f"GET /staff/dashboard, whole page {over}", "ms", higher_is_better=False),
            "cards": Figure(BENCH, f"GET /api/cards/stats {over}", "ms", higher_is_better=False),
            "billing": Figure(BENCH, f"GET /api/billing/stats {over}", "ms", higher_is_better=False),
            "aqpm_page": Figure(BENCH, f"GET /staff/productions/dashboard, whole page {sheets}", "ms",
                                higher_is_better=False),
            "productions": Figure(BENCH, f"GET /api/productions/stats {sheets}", "ms", higher_is_better=False)}


@dataclass
class Measured:
    figures: list[Figure]
    seeded: Seeded
    productions: SeededProductions
    pages: dict[str, str]        # the last HTML of each dashboard: "asstsas", "aqpm"
    stats: dict[str, dict]       # the last answer of each stats call: "cards", "billing", "productions"


def measure(runs: int, count: int = REQUESTS) -> Measured:
    figures = figures_of(count)
    with running_stack("dashboard") as stack:
        urls, base = stack.layout.database_urls, stack.base_url
        wait_for_trainer(urls["cards"])
        started = time.perf_counter()
        seeded, productions = seed(urls, count), seed_productions(urls["productions"], count)
        print(f"  seeded {seeded.requests:,} requests, {seeded.cards:,} cards, {seeded.payments:,} payments, "
              f"{productions.sheets:,} sheets, {productions.handoffs:,} hand-offs in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        web = staff_web_session(base, "/login", "login", STAFF)
        aqpm_web = staff_web_session(base, "/aqpm/login", "email", AQPM_STAFF)
        api, aqpm_api = staff_api_session(base, STAFF), staff_api_session(base, AQPM_STAFF)
        for index in range(runs + 1):  # the first one warms every process up and is not counted
            pages, stats, times = {}, {}, {}
            times["page"], pages["asstsas"] = timed_page(web, f"{base}/staff/dashboard", expected_texts(seeded))
            times["cards"], stats["cards"] = timed_json(api, f"{base}/api/cards/stats")
            period = stats["cards"]["period"]
            times["billing"], stats["billing"] = timed_json(api, f"{base}/api/billing/stats",
                                                            **{"from": period["from"], "to": period["to"]})
            times["aqpm_page"], pages["aqpm"] = timed_page(aqpm_web, f"{base}/staff/productions/dashboard",
                                                           expected_productions_texts(productions))
            times["productions"], stats["productions"] = timed_json(aqpm_api, f"{base}/api/productions/stats")
            if index:
                for key, elapsed in times.items():
                    figures[key].add(elapsed)
                print(f"  run {index}/{runs}: " + ", ".join(f"{key} {ms:.0f} ms" for key, ms in times.items()),
                      file=sys.stderr, flush=True)
        return Measured(list(figures.values()), seeded, productions, pages, stats)


def timed_page(http: requests.Session, url: str, expected: list[tuple[str, ...]]) -> tuple[float, str]:
    elapsed, response = timed_get(http, url)
    if lacking := missing_texts(response.text, expected):
        raise RuntimeError(f"{url} does not show the seeded totals: {lacking}")
    return elapsed, response.text


def timed_json(http: requests.Session, url: str, **params) -> tuple[float, dict]:
    elapsed, response = timed_get(http, url, **params)
    return elapsed, response.json()


def run(runs: int = 3) -> list[Figure]:
    return measure(runs).figures
