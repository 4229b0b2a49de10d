"""Each status the pages show has a label of its own, in French and in English: a cancelled request reads
"Annulée" / "Cancelled", a void invoice "Invalidée" / "Void" (the two once shared "Annulée", whose one English
was "Void"). A request's statuses read as the cards service words them (the staff dashboards show its labels),
and the page of a request the real cards API says is cancelled reads "Cancelled" in English."""
from __future__ import annotations

import pytest

from chassis.i18n import Catalogue, _, speaking
from services.cards.domain import statuses as cards_statuses
from services.web.app import create_app
from services.web.config import load_config
from services.web.formatting import STATUS_LABELS, status_label
from tests.cards.helpers import seed_trainer, session_form
from tests.web.live_apis import live_apis

LANGUAGES = ("fr", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_statuses_share_a_label(in_language, language):
    in_language(language)
    labels = {code: status_label(code) for code in STATUS_LABELS}
    assert all(labels.values()) and len(set(labels.values())) == len(labels), labels


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_requests_statuses_read_as_the_cards_service_words_them(in_language, language):
    in_language(language)
    ours = {status: status_label(status) for status in cards_statuses.ALL}
    with speaking(language, Catalogue.of_service("cards")):
        theirs = {status: _(cards_statuses.LABELS[status]) for status in cards_statuses.ALL}
    assert ours == theirs
    assert len(set(ours.values())) == len(cards_statuses.ALL)


@pytest.mark.parametrize(("language", "cancelled", "void"),
                         [("fr", "Annulée", "Invalidée"), ("en", "Cancelled", "Void")])
def test_a_cancelled_request_and_a_void_invoice_read_apart(in_language, language, cancelled, void):
    in_language(language)
    assert (status_label("cancelled"), status_label("void")) == (cancelled, void)


@pytest.fixture(scope="module")
def apis():
    with live_apis("web_status_labels", ("cards",)) as running:
        yield running


@pytest.fixture
def web(apis, tmp_path, monkeypatch):
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    return create_app(load_config(database_url=f"sqlite:///{tmp_path / 'web.db'}", secret_key="units",
                                  api_base_url=apis.base_url))


def cancelled_request(apis) -> tuple[dict, str]:
    """A trainer and the id of a request they made and cancelled, through the cards API."""
    trainer = seed_trainer(apis.dbs["cards"])
    headers = apis.headers(trainer["user_id"], ["trainer"])
    client = apis.apps["cards"].test_client()
    created = client.post("/sessions", json=session_form(), headers=headers)
    assert created.status_code == 201, created.json
    cancelled = client.post(f"/sessions/{created.json['id']}/cancel", json={}, headers=headers)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    return trainer, created.json["id"]


def status_line(html: str) -> str:
    return html.split('class="status status-cancelled">', 1)[1].split("</span>", 1)[0]


@pytest.mark.parametrize(("language", "label"), [("en", "Cancelled"), ("fr", "Annulée")])
def test_the_page_of_a_cancelled_request_says_cancelled(apis, web, language, label):
    trainer, session_id = cancelled_request(apis)
    client = web.test_client()
    apis.sign_in(web, client, trainer["user_id"], ["trainer"], card_number=trainer["card_number"])
    page = client.get(f"/sessions/{session_id}", headers={"Accept-Language": language})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Content-Language"] == language
    assert status_line(html) == label
    assert "Void" not in html and "Invalidée" not in html
    listed = client.get("/sessions", headers={"Accept-Language": language}).get_data(as_text=True)
    assert status_line(listed) == label
