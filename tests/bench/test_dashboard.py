"""``python -m bench dashboard`` at a tiny size: the seeded year is what the services count, and the page shows it.

The first test writes the benchmark's rows into migrated cards and billing databases and asks both services'
``GET /stats`` (their Flask apps, real PostgreSQL): every total must be the one the seeding says. The second runs
the benchmark itself (a whole stack behind the gateway, 50 requests, 1 run); starting the stack takes more than
a minute on this project's 2-core machine, so it runs only with ``GUICHET_BENCH_DASHBOARD_TEST=1``.
"""
from __future__ import annotations

import os
from decimal import Decimal

import pytest

from bench.dashboard import measure, missing_totals
from bench.dashboard_seed import seed
from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.testing.tokens import TokenFactory
from services.billing.app import create_app as billing_app
from services.cards.app import create_app as cards_app
from services.cards.config import load_config
from tests.cards.helpers import seed_trainer
from tests.infra import migrated_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def databases():
    urls = {service: migrated_database(service, f"{service}_bench_dashboard") for service in ("cards", "billing")}
    cards_db = Database(urls["cards"])
    try:
        seed_trainer(cards_db)
    finally:
        cards_db.dispose()
    return urls


def stats(app, tokens: TokenFactory, **params) -> dict:
    response = app.test_client().get("/stats", query_string=params,
                                     headers=tokens.headers("staff-bench", ["cards_staff"]))
    assert response.status_code == 200, response.json
    return response.json


def test_seeded_year_is_what_cards_and_billing_count(databases):
    seeded = seed(databases, 300)
    tokens = TokenFactory()
    cards_db, billing_db = Database(databases["cards"]), Database(databases["billing"])
    try:
        card_figures = stats(cards_app(load_config(database_url=cards_db.url), db=cards_db,
                                       token_verifier=tokens.verifier()), tokens)
        billing = ServiceConfig.from_env("billing", database_url=billing_db.url,
                                         public_base_url="https://guichet.example.org")
        period = card_figures["period"]
        billing_figures = stats(billing_app(config=billing, db=billing_db, token_verifier=tokens.verifier()), tokens,
                                **{"from": period["from"], "to": period["to"]})
    finally:
        cards_db.dispose()
        billing_db.dispose()

    assert card_figures["totals"] == {"requests": 300, "cards": seeded.cards}
    assert sum(month["requests"] for month in card_figures["by_month"]) == 300
    assert len([month for month in card_figures["by_month"] if month["requests"]]) >= 11  # spread over the year
    assert {row["status"]: row["requests"] for row in card_figures["by_status"] if row["requests"]} == seeded.by_status
    assert card_figures["shipment"]["shipped"] == seeded.by_status.get("shipped", 0)
    by_method = billing_figures["payments"]["by_method"]
    assert sum(method["payments"] for method in by_method) == seeded.payments
    assert sum(Decimal(method["amount"]) for method in by_method) == seeded.paid
    assert billing_figures["open_balance"]["invoices"] == seeded.open_invoices
    assert Decimal(billing_figures["open_balance"]["balance"]) == seeded.open_balance


@pytest.mark.skipif(os.environ.get("GUICHET_BENCH_DASHBOARD_TEST") != "1",
                    reason="starts a whole stack (over a minute): set GUICHET_BENCH_DASHBOARD_TEST=1")
def test_dashboard_page_through_the_gateway_shows_the_seeded_totals():
    from bench.prerequisites import missing

    if lacking := missing(["end_to_end"]):  # the same tools: nginx, PostgreSQL, RabbitMQ
        pytest.skip("; ".join(lacking))
    figures, seeded, page, card_figures = measure(runs=1, count=50)

    assert [len(figure.values) for figure in figures] == [1, 1, 1]
    assert all(figure.values[0] > 0 for figure in figures)
    assert card_figures["totals"] == {"requests": 50, "cards": seeded.cards}
    assert missing_totals(page, seeded) == []
    assert page.count("<svg") >= 5  # the charts are drawn, not only their tables
