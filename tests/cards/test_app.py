"""The service's shell: migrations on SQLite too, OpenAPI document, health, settings."""
from __future__ import annotations

from sqlalchemy import func, select, table

from chassis.config import ServiceConfig
from chassis.db import Database
from chassis.migrations import upgrade
from chassis.testing.tokens import TokenFactory
from services.cards.app import create_app
from services.cards.config import CardsSettings, load_config
from services.cards.db.models import Activity, OrganizationType


def test_migrations_run_on_sqlite_with_the_reference_lists(tmp_path):
    url = f"sqlite:///{tmp_path / 'cards.db'}"
    upgrade("cards", url)
    db = Database(url)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(OrganizationType)) >= 10
        assert session.get(Activity, "pdsb").label.startswith("PDSB")
        assert session.scalar(select(func.count()).select_from(table("outbox"))) == 0
    db.dispose()


def test_openapi_documents_every_endpoint(tmp_path):
    url = f"sqlite:///{tmp_path / 'cards.db'}"
    upgrade("cards", url)
    app = create_app(load_config(database_url=url), token_verifier=TokenFactory().verifier())
    client = app.test_client()
    spec = client.get("/openapi.json").json
    paths = spec["paths"]
    for path in ["/reference", "/reference/{kind}", "/reference/{kind}/{code}", "/sessions", "/sessions/{session_id}",
                 "/sessions/{session_id}/participants", "/sessions/{session_id}/participants/{participant_id}",
                 "/sessions/{session_id}/participants/import", "/sessions/{session_id}/quote",
                 "/sessions/{session_id}/submit", "/sessions/{session_id}/ship", "/sessions/{session_id}/cancel",
                 "/sessions/{session_id}/attestations", "/sessions/{session_id}/attestations.pdf", "/participants",
                 "/attestations/{code}", "/attestations/{code}/pdf", "/attestations/{code}/reissue", "/audit"]:
        assert path in paths, path
    assert "application/pdf" in paths["/sessions/{session_id}/attestations.pdf"]["get"]["responses"]["200"]["content"]
    assert client.get("/healthz").json["status"] == "ok"
    assert client.get("/readyz").status_code == 200
    assert "X-Request-ID" in client.get("/healthz").headers


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("CARDS_END_DATE_MAX_AGE_DAYS", "90")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://guichet.asstsas.com")
    settings = CardsSettings.from_config(ServiceConfig.from_env("cards"))
    assert settings.end_date_max_age_days == 90
    assert settings.verification_url("AAAA-BBBB-CCCC") == "https://guichet.asstsas.com/attestations/AAAA-BBBB-CCCC"
    monkeypatch.setenv("CARDS_PUBLIC_BASE_URL", "https://verif.exemple.ca/")
    settings = CardsSettings.from_config(ServiceConfig.from_env("cards"))
    assert settings.verification_url("X") == "https://verif.exemple.ca/attestations/X"
