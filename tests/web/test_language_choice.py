"""The person's language: the FR/EN switch of this browser session first, then the signed-in person's profile
language, then the browser's Accept-Language, then French; the switch of a signed-in person is saved in their
auth profile (PATCH /me), so their emails follow. The APIs' answers are shown as they come."""
from __future__ import annotations

import pytest

from services.web.app import create_app
from services.web.clients import auth
from services.web.clients.gateway import ApiError
from services.web.config import load_config


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("GUICHET_DATA_DIR", str(tmp_path))
    app = create_app(load_config(database_url=f"sqlite:///{tmp_path / 'web.db'}", secret_key="units",
                                 api_base_url="http://127.0.0.1:9"))
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def signed_in(app, client, language: str | None, **profile):
    """A server-side session whose auth profile says ``language``; returns the login."""
    login = app.extensions["web_sessions"].create(
        {"access_token": "a", "refresh_token": "r", "expires_in": 900},
        {"id": "u-1", "roles": ["trainer"], "language": language, "first_name": "Claude", **profile}, "cards")
    with client.session_transaction() as session:
        session["sid"] = login.sid
    return login


def title(response) -> str:
    return response.get_data(as_text=True).split("<title>", 1)[1].split("</title>", 1)[0]


def test_a_first_visit_without_accept_language_is_french(app):
    response = app.test_client().get("/login")
    assert response.headers["Content-Language"] == "fr" and title(response).startswith("Connexion")


def test_a_first_visit_asking_english_is_english(app):
    response = app.test_client().get("/login", headers={"Accept-Language": "en-CA,en;q=0.9,fr;q=0.5"})
    assert response.headers["Content-Language"] == "en" and title(response).startswith("Log in")
    assert "Accept-Language" in response.headers["Vary"]


def test_an_unknown_language_gets_french(app):
    response = app.test_client().get("/login", headers={"Accept-Language": "de-DE"})
    assert response.headers["Content-Language"] == "fr"


def test_the_switch_of_this_session_beats_the_browsers_language(app):
    client = app.test_client()
    client.get("/lang/fr?next=/login")
    response = client.get("/login", headers={"Accept-Language": "en"})
    assert response.headers["Content-Language"] == "fr" and title(response).startswith("Connexion")


def test_the_profile_language_beats_the_browsers_and_the_switch_beats_the_profile(app, monkeypatch):
    client = app.test_client()
    signed_in(app, client, "en")
    monkeypatch.setattr(auth, "update_me", lambda api, **changes: {"language": changes["language"]})
    response = client.get("/help", headers={"Accept-Language": "fr"})
    assert response.headers["Content-Language"] == "en"
    client.get("/lang/fr?next=/help")
    assert client.get("/help", headers={"Accept-Language": "en"}).headers["Content-Language"] == "fr"


def test_the_switch_of_a_signed_in_person_saves_their_profile_language(app, monkeypatch):
    client = app.test_client()
    login = signed_in(app, client, "fr")
    saved = []

    def update_me(api, **changes):
        saved.append((api.language, changes))
        return {"id": "u-1", "roles": ["trainer"], "language": changes["language"]}
    monkeypatch.setattr(auth, "update_me", update_me)
    response = client.get("/lang/en?next=/help")
    assert response.status_code == 302 and response.location.endswith("/help")
    assert saved == [("fr", {"language": "en"})]
    assert app.extensions["web_sessions"].load(login.sid).profile["language"] == "en"
    # the switch is kept even when the API is gone: the page still follows it
    def unavailable(api, **changes):
        raise ApiError(503, "unavailable", "Service indisponible, réessayez dans un instant.")
    monkeypatch.setattr(auth, "update_me", unavailable)
    client.get("/lang/fr?next=/help")
    assert client.get("/help").headers["Content-Language"] == "fr"


def test_a_switch_before_signing_in_touches_no_profile(app, monkeypatch):
    called = []
    monkeypatch.setattr(auth, "update_me", lambda api, **changes: called.append(changes))
    client = app.test_client()
    client.get("/lang/en?next=/login")
    assert called == [] and client.get("/login").headers["Content-Language"] == "en"


def test_the_apis_refusal_is_shown_as_it_comes_in_the_pages_language(app, monkeypatch):
    client = app.test_client()
    signed_in(app, client, "en")

    def refuse(api):
        assert api.language == "en"           # the web asks the API in the person's language
        raise ApiError(409, "conflict", "This request was already submitted.")
    monkeypatch.setattr(auth, "me", refuse)
    response = client.get("/profile")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "This request was already submitted." in page
    assert title(response).startswith("Conflict")
