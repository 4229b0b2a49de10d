"""``GET /stats`` over real PostgreSQL: houses, sheets and hand-offs to SET made through the API, then placed in
time; sheets, hand-offs and active houses by Montréal month are exact, for AQPM staff only."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from chassis.periods import this_month
from services.productions.db.models import Handoff, Sheet

pytestmark = pytest.mark.integration


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def created_at(env, sheet: dict, moment: str) -> None:
    with env.db.transaction() as session:
        session.execute(update(Sheet).where(Sheet.id == sheet["id"]).values(created_at=at(moment)))


def handed_off(env, person, sheet: dict, *moments: str) -> None:
    """``person`` goes to SET from ``sheet`` once per moment, each hand-off then placed at that moment."""
    for moment in moments:
        response = env.client.post(f"/sheets/{sheet['id']}/set-access", headers=env.headers(person))
        assert response.status_code == 200, response.json
        with env.db.transaction() as session:
            newest = session.scalars(select(Handoff).where(Handoff.sheet_id == sheet["id"])
                                     .order_by(Handoff.issued_at.desc()).limit(1)).one()
            newest.issued_at = at(moment)


@pytest.fixture(scope="module")
def known_activity(env):
    admin_a, admin_b = env.register("Alice", "Alpha"), env.register("Bruno", "Beta")
    house_a, house_b = env.house(admin_a), env.house(admin_b)
    env.house(env.register("Carole", "Gamma"), status="inactive")
    env.house(env.register("Denis", "Delta"))  # active, nothing happens there
    first = env.sheet(admin_a, house_a["id"], title="Premier")
    created_at(env, first, "2024-01-05T15:00:00")
    # 04:00 UTC on February 1 is still January 31 in Montréal
    created_at(env, env.sheet(admin_a, house_a["id"], title="Deuxième"), "2024-02-01T04:00:00")
    created_at(env, env.sheet(admin_a, house_a["id"], title="Troisième"), "2024-03-10T15:00:00")
    created_at(env, env.sheet(admin_b, house_b["id"], title="Quatrième"), "2024-03-20T15:00:00")
    old = env.sheet(admin_b, house_b["id"], title="Ancienne")
    created_at(env, old, "2023-12-15T15:00:00")
    handed_off(env, admin_a, first, "2024-02-10T15:00:00", "2024-02-11T15:00:00")
    handed_off(env, admin_b, old, "2024-03-02T15:00:00", "2023-11-02T15:00:00")


def test_sheets_handoffs_and_active_houses_by_month(env, known_activity):
    response = env.client.get("/stats?from=2024-01&to=2024-03", headers=env.staff())
    assert response.status_code == 200, response.json
    body = response.json
    assert body["period"] == {"from": "2024-01", "to": "2024-03", "months": ["2024-01", "2024-02", "2024-03"]}
    assert body["by_month"] == [{"month": "2024-01", "sheets": 2, "handoffs": 0, "active_houses": 1},
                                {"month": "2024-02", "sheets": 0, "handoffs": 2, "active_houses": 1},
                                {"month": "2024-03", "sheets": 2, "handoffs": 1, "active_houses": 2}]
    assert body["totals"] == {"sheets": 4, "handoffs": 3, "active_houses": 2}
    assert body["houses"] == {"active": 3, "inactive": 1}


def test_an_empty_period_has_every_month_at_zero(env, known_activity):
    body = env.client.get("/stats?from=2022-06&to=2022-07", headers=env.staff()).json
    assert body["by_month"] == [{"month": m, "sheets": 0, "handoffs": 0, "active_houses": 0}
                                for m in ("2022-06", "2022-07")]
    assert body["totals"] == {"sheets": 0, "handoffs": 0, "active_houses": 0}


def test_default_period_is_the_last_twelve_months(env):
    body = env.client.get("/stats", headers=env.staff()).json
    assert body["period"]["to"] == this_month().strftime("%Y-%m") and len(body["by_month"]) == 12


@pytest.mark.parametrize("query, field", [("from=2024-02&to=2024-01", "from"), ("from=24-01", "from"),
                                          ("to=2024-1-1", "to"), ("from=2021-01&to=2024-01", "to")])
def test_a_wrong_period_is_a_field_error(env, query, field):
    response = env.client.get(f"/stats?{query}", headers=env.staff())
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == [field]


def test_only_productions_staff(env):
    member = env.register("Marc", "Membre")
    assert env.client.get("/stats").status_code == 401
    assert env.client.get("/stats", headers=env.headers(member)).status_code == 403
    assert env.client.get("/stats", headers=env.tokens.headers("c-1", ["cards_staff"])).status_code == 403
