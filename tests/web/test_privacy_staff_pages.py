"""Staff pages of Law 25 (issue 23, items 3-5), in French and in English, over the real cards and auth APIs:
each portal's retention preview lists what the next run anonymizes; the log of staff reads shows the person in
charge the reads (and is someone else's page, a 404, to other staff); AQPM staff erase a member's account on
request from its page."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from chassis.privacy_retention import years_before
from services.auth.db.models import User
from services.auth.db.types import utcnow
from services.auth.operations import users
from services.cards.db.models import CardSession
from services.cards.domain.dates import today_in_montreal
from services.cards.operations import retention
from tests.cards.helpers import participant_form, seed_trainer, session_form
from tests.web.live_apis import PRIVACY_OFFICER, live_apis
from tests.web.test_privacy_pages import get, web_app

pytestmark = pytest.mark.integration
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def apis():
    with live_apis("web_privacy_staff", ("cards", "auth")) as running:
        yield running


@pytest.fixture
def web(apis, tmp_path, monkeypatch):
    return web_app(apis, tmp_path, monkeypatch)


def _account(apis, email: str, role: str, language: str = "fr", **ages) -> str:
    with apis.dbs["auth"].transaction() as session:
        user = users.create_user(session, users.NewAccount(email, "Jade", "Fortin", role, language),
                                 "correct-horse-42")
        for name, value in ages.items():
            setattr(user, name, value)
        return user.id


def test_the_asstsas_retention_page_lists_the_trainees_the_run_empties(apis, web):
    trainer = seed_trainer(apis.dbs["cards"])
    headers = apis.headers(trainer["user_id"], ["trainer"])
    cards = apis.apps["cards"].test_client()
    session_id = cards.post("/sessions", json=session_form(), headers=headers).json["id"]
    cards.post(f"/sessions/{session_id}/participants", json=participant_form(first_name="Odile"), headers=headers)
    with apis.dbs["cards"].transaction() as session:
        ended = years_before(today_in_montreal(), 11)
        session.execute(update(CardSession).where(CardSession.id == session_id).values(end_date=ended))
    client = web.test_client()
    apis.sign_in(web, client, "staff-cards", ["cards_staff"], portal="staff")
    for language, words in (("fr", "1 participant à anonymiser"), ("en", "1 participant to anonymize")):
        html = get(client, "/staff/retention", language)
        assert words in html and "Odile Tremblay" in html, html
    with apis.dbs["cards"].transaction() as session:
        assert len(retention.run(session, 10)) == 1
    found = get(client, "/staff/participants?last_name=Tremblay", "en")  # the search shows what is left
    assert "Odile" in found and "anonymized" in found


def test_the_aqpm_retention_page_and_the_erasure_of_a_member(apis, web):
    long_ago = utcnow() - timedelta(days=4 * 366)
    member = _account(apis, f"dormant.{uuid.uuid4().hex[:8]}@example.test", "member", created_at=long_ago)
    client = web.test_client()
    apis.sign_in(web, client, "staff-aqpm", ["productions_staff"], portal="staff")
    for language, words in (("fr", "Avertir par courriel"), ("en", "Warn by email")):
        html = get(client, "/staff/productions/retention", language)
        assert f'data-account="{member}"' in html and words in html

    page = get(client, f"/staff/accounts/{member}", "en")
    assert "Erase the account at their request" in page
    erased = client.post(f"/staff/accounts/{member}/erase", data={"csrf_token": CSRF.search(page).group(1)},
                         headers={"Accept-Language": "en"})
    assert erased.status_code == 302
    with apis.dbs["auth"].reading() as session:
        assert session.get(User, member).anonymized_at is not None
    assert f'data-account="{member}"' not in get(client, "/staff/productions/retention", "en")


def test_the_log_of_staff_reads_is_for_the_person_in_charge(apis, web):
    person = _account(apis, f"looked.at.{uuid.uuid4().hex[:8]}@example.test", "member")
    officer = _account(apis, PRIVACY_OFFICER, "productions_staff")
    reader = web.test_client()
    apis.sign_in(web, reader, "staff-reader", ["productions_staff"], portal="staff")
    get(reader, f"/staff/accounts/{person}", "fr")  # a staff read of an account's page
    get(reader, "/staff/privacy/access-log", "fr", expected=404)  # not the person in charge

    client = web.test_client()
    apis.sign_in(web, client, officer, ["productions_staff"], portal="staff")
    for language, words in (("fr", "Fiche d&#39;un compte"), ("en", "Account page")):
        html = get(client, "/staff/privacy/access-log", language)
        assert words in html and person in html and "staff-reader" in html, html


def test_a_member_erases_their_own_account_from_the_aqpm_profile(apis, web):
    member = _account(apis, f"leaving.{uuid.uuid4().hex[:8]}@example.test", "member", language="en")
    client = web.test_client()
    apis.sign_in(web, client, member, ["member"], portal="aqpm")
    assert "/aqpm/profile/erasure" in get(client, "/aqpm/profile", "en")
    page = get(client, "/aqpm/profile/erasure", "en")
    assert "This cannot be undone." in page
    token = CSRF.search(page).group(1)
    wrong = client.post("/aqpm/profile/erasure", data={"csrf_token": token, "password": "not-it"},
                        headers={"Accept-Language": "en"})
    assert wrong.status_code == 422 and "The password is incorrect." in wrong.get_data(as_text=True)
    erased = client.post("/aqpm/profile/erasure", data={"csrf_token": token, "password": "correct-horse-42"},
                         headers={"Accept-Language": "en"})
    assert erased.status_code == 302 and erased.headers["Location"].endswith("/aqpm/login")
    with apis.dbs["auth"].reading() as session:
        assert session.get(User, member).anonymized_at is not None
    assert client.get("/aqpm/profile").status_code == 302  # signed out


@pytest.mark.parametrize(("language", "trainees", "members"), [
    ("fr", "La date de naissance et le téléphone : 10 ans après la session, puis anonymisés",
     "après 3 ans sans connexion, un courriel vous prévient, puis vos renseignements sont anonymisés 30 jours"),
    ("en", "The date of birth and phone: 10 years after the session, then anonymized",
     "after 3 years without a login, an email warns you, then your information is anonymized 30 days later")])
def test_each_privacy_page_says_the_retention_its_service_applies(apis, web, language, trainees, members):
    """The durations come from the services' own settings (their public retention rule)."""
    client = web.test_client()
    assert trainees in get(client, "/privacy", language)
    assert members in get(client, "/aqpm/privacy", language)
