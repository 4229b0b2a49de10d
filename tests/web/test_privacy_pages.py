"""Each portal's privacy page (Québec's Law 25, issue 23): open to anyone, in French and in English, it names the
person in charge of personal information from the web's settings and says what the portal keeps, why, how long
and who receives it; and the footer of every page links the privacy page of its portal, signed in or not, error
pages included (the back office's links both). Pages that need data get it from the real cards and productions
APIs, each on its own PostgreSQL database."""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest

from services.productions.consumers import HANDLERS as PRODUCTIONS_HANDLERS
from services.web.app import create_app
from services.web.config import PrivacyOfficer, load_config
from tests.cards.helpers import seed_trainer, session_form
from tests.productions.conftest import user_envelope
from tests.web.live_apis import live_apis

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "web" / "templates"
CARDS, AQPM = "/privacy", "/aqpm/privacy"
FOOTER = re.compile(r'<footer class="bottom">(.*?)</footer>', re.S)
LINK_TEXT = {"fr": "Confidentialité", "en": "Privacy"}


@pytest.fixture(scope="module")
def apis():
    with live_apis("web_privacy", ("cards", "productions")) as running:
        yield running


def web_app(apis, tmp_path, monkeypatch, **environment):
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    for name in [name for name in os.environ if name.startswith("WEB_PRIVACY_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return create_app(load_config(database_url=f"sqlite:///{tmp_path / 'web.db'}", secret_key="units",
                                  api_base_url=apis.base_url))


@pytest.fixture
def web(apis, tmp_path, monkeypatch):
    return web_app(apis, tmp_path, monkeypatch)


def footer_links(html: str) -> dict[str, str]:
    """The footer's links: href -> text."""
    [footer] = FOOTER.findall(html)
    return {href: text.strip() for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]*)</a>', footer)}


def get(client, path: str, language: str, expected: int = 200) -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == expected, (path, response.status_code)
    assert response.headers["Content-Language"] == language
    return response.get_data(as_text=True)


def assert_links_its_portal(html: str, path: str, language: str, portal: str) -> None:
    links = footer_links(html)
    if portal == "staff":
        assert links.get(CARDS) == f"{LINK_TEXT[language]} — ASSTSAS", (path, links)
        assert links.get(AQPM) == f"{LINK_TEXT[language]} — AQPM", (path, links)
    else:
        wanted, other = (AQPM, CARDS) if portal == "aqpm" else (CARDS, AQPM)
        assert links.get(wanted) == LINK_TEXT[language] and other not in links, (path, links)


def test_every_page_template_has_the_layout_whose_footer_links_the_privacy_page():
    """A page that did not extend base.html would have no footer: every template but the partials does."""
    pages = [path for path in TEMPLATES.rglob("*.html")
             if not path.name.startswith("_") and path.name not in ("base.html", "macros.html")]
    assert len(pages) > 30
    for page in pages:
        assert page.read_text(encoding="utf-8").lstrip().startswith('{% extends "base.html" %}'), page
    footer = FOOTER.findall((TEMPLATES / "base.html").read_text(encoding="utf-8"))[0]
    assert footer.count("url_for('account.privacy')") == 2 and footer.count("url_for('account.aqpm_privacy')") == 2


ANONYMOUS = [("/", 200, "cards"), ("/login", 200, "cards"), ("/password/forgot", 200, "cards"),
             ("/help", 200, "cards"), ("/attestations", 200, "cards"), (CARDS, 200, "cards"),
             ("/page-qui-n-existe-pas", 404, "cards"), ("/aqpm/", 200, "aqpm"), ("/aqpm/password/forgot", 200, "aqpm"),
             (AQPM, 200, "aqpm"), ("/aqpm/page-inconnue", 404, "aqpm"), ("/staff/inconnue", 404, "staff")]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_anonymous_page_links_the_privacy_page_of_its_portal(web, language):
    client = web.test_client()
    for path, status, portal in ANONYMOUS:
        assert_links_its_portal(get(client, path, language, status), path, language, portal)


def test_a_trainers_pages_link_the_asstsas_privacy_page(apis, web):
    trainer = seed_trainer(apis.dbs["cards"])
    created = apis.apps["cards"].test_client().post("/sessions", json=session_form(),
                                                     headers=apis.headers(trainer["user_id"], ["trainer"]))
    assert created.status_code == 201, created.json
    client = web.test_client()
    apis.sign_in(web, client, trainer["user_id"], ["trainer"], card_number=trainer["card_number"])
    pages = [("/sessions", 200), (f"/sessions/{created.json['id']}", 200),
             (f"/sessions/{created.json['id']}/participants", 200), ("/help", 200), (CARDS, 200),
             (f"/sessions/{uuid.uuid4()}", 404)]
    for language in ("fr", "en"):
        for path, status in pages:
            html = get(client, path, language, status)
            assert 'action="/logout"' in html, path  # signed in indeed
            assert_links_its_portal(html, path, language, "cards")


def register_member(apis) -> str:
    user_id = str(uuid.uuid4())
    envelope = user_envelope(user_id, "Jeanne", "Lavoie", f"jeanne.{user_id[:6]}@example.test")
    with apis.dbs["productions"].transaction() as session:
        PRODUCTIONS_HANDLERS[envelope.type](session, envelope)
    return user_id


def test_members_and_staffs_pages_link_their_privacy_pages(apis, web):
    member = web.test_client()
    apis.sign_in(web, member, register_member(apis), ["member"], portal="aqpm")
    staff = web.test_client()
    apis.sign_in(web, staff, "staff-" + uuid.uuid4().hex[:8], ["productions_staff"], portal="aqpm")
    desk = web.test_client()
    apis.sign_in(web, desk, "desk-" + uuid.uuid4().hex[:8], ["cards_staff"])
    visits = [(member, "/aqpm/sheets", 200, "aqpm"), (member, "/aqpm/houses", 200, "aqpm"),
              (member, "/aqpm/producers", 200, "aqpm"), (member, AQPM, 200, "aqpm"),
              (member, f"/aqpm/sheets/{uuid.uuid4()}", 404, "aqpm"),
              (staff, "/staff/houses", 200, "staff"), (staff, "/staff/productions/dashboard", 200, "staff"),
              (desk, "/staff/sessions", 200, "staff"), (desk, "/staff/reference", 200, "staff"),
              (desk, "/help", 200, "cards"), (desk, CARDS, 200, "cards")]
    for language in ("fr", "en"):
        for client, path, status, portal in visits:
            html = get(client, path, language, status)
            assert 'action="/logout"' in html, path
            assert_links_its_portal(html, path, language, portal)


def text_of(html: str) -> str:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&#39;", "'").replace("&#34;", '"')


def test_the_privacy_pages_name_the_person_in_charge_set_for_each_portal(apis, tmp_path, monkeypatch):
    web = web_app(apis, tmp_path, monkeypatch,
                  WEB_PRIVACY_CARDS_NAME="Marie Gagnon", WEB_PRIVACY_CARDS_TITLE="Directrice de l'administration",
                  WEB_PRIVACY_CARDS_EMAIL="vie.privee@asstsas.exemple",
                  WEB_PRIVACY_CARDS_PHONE="514 253-6871, poste 222",
                  WEB_PRIVACY_CARDS_ADDRESS="5100, rue Sherbrooke Est|Montréal (Québec)  H1V 3R9",
                  WEB_PRIVACY_AQPM_NAME="Luc Bergeron", WEB_PRIVACY_AQPM_EMAIL="rprp@aqpm.exemple",
                  WEB_PRIVACY_AQPM_PHONE="1 866 555-0100")
    client = web.test_client()
    cards = get(client, CARDS, "fr")
    assert ('<strong data-officer-name>Marie Gagnon</strong>, '
            '<span data-officer-title>Directrice de l&#39;administration</span>') in cards
    assert 'href="mailto:vie.privee@asstsas.exemple"' in cards and 'href="tel:+15142536871"' in cards
    assert "5100, rue Sherbrooke Est<br>Montréal (Québec)  H1V 3R9" in cards
    assert "Luc Bergeron" not in cards and "la loi lui confie" not in cards
    aqpm = get(client, AQPM, "en")
    assert '<strong data-officer-name>Luc Bergeron</strong>' in aqpm and "data-officer-title" not in aqpm
    assert 'href="mailto:rprp@aqpm.exemple"' in aqpm and 'href="tel:+18665550100"' in aqpm
    assert "data-officer-address" not in aqpm and "Marie Gagnon" not in aqpm


def test_left_unset_the_pages_name_the_director_general_and_the_general_contact(web):
    client = web.test_client()
    cards = text_of(get(client, CARDS, "fr"))
    assert "La direction générale de l'ASSTSAS : la loi lui confie cette responsabilité" in cards
    assert "support@asstsas.qc.ca" in cards and "1 800 361-4528" in cards and "H1V 3R9" in cards
    aqpm = text_of(get(client, AQPM, "en"))
    assert "The AQPM's director general: the law gives them this responsibility" in aqpm
    assert "https://www.aqpm.ca" in aqpm and "asstsas" not in aqpm.lower()


@pytest.mark.parametrize(("language", "says"), [
    ("fr", ["Protection des renseignements personnels", "Tant que le compte est actif", "Un an, puis effacé",
            "au plus 30 jours", "date de naissance", "ses 4 derniers chiffres seulement", "Le fournisseur de paiement",
            "écrivez à la personne responsable", "30 jours pour vous répondre"]),
    ("en", ["Protection of personal information", "As long as the account is active", "One year, then deleted",
            "30 days at most", "date of birth", "only its brand and last 4 digits", "The payment provider",
            "write to the person in charge", "30 days to answer you"])])
def test_the_asstsas_page_says_what_is_kept_how_long_and_who_receives_it(web, language, says):
    page = text_of(get(web.test_client(), CARDS, language))
    for words in says:
        assert words in page, words
    assert "SET" not in page


@pytest.mark.parametrize(("language", "says"), [
    ("fr", ["Protection des renseignements personnels", "Les fiches de production", "Les accès accordés",
            "Les passages au SET", "Le SET, maintenu par l'AQTIS", "Un an, puis effacé",
            "écrivez à la personne responsable"]),
    ("en", ["Protection of personal information", "Production sheets", "Access granted", "Visits to SET",
            "SET, run by AQTIS", "One year, then deleted", "write to the person in charge"])])
def test_the_aqpm_page_says_what_is_kept_how_long_and_who_receives_it(web, language, says):
    page = text_of(get(web.test_client(), AQPM, language))
    for words in says:
        assert words in page, words
    assert "carte de crédit" not in page and "credit card" not in page


def test_a_phone_dials_the_number_without_its_extension():
    assert PrivacyOfficer(phone="514 253-6871, poste 222").tel == "+15142536871"
    assert PrivacyOfficer(phone="1 800 361-4528").tel == "+18003614528"
    assert PrivacyOfficer(phone="").tel == ""
