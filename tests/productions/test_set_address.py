"""Where "Accéder au SET" sends people: the platform's own address by default, on any port (issue 16, 1)."""
from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from chassis.db import Database
from chassis.testing.tokens import TokenFactory
from services.productions.app import create_app
from services.productions.config import load_config, set_url
from tests.infra import migrated_database
from tests.productions.conftest import Env

PLATFORM = "http://127.0.0.1:18600"


@pytest.fixture(scope="module")
def database_url():
    return migrated_database("productions", "productions_set_address")


def _env(database_url: str, db: Database, **settings) -> Env:
    tokens = TokenFactory()
    config = load_config(database_url=database_url, extra=settings)
    app = create_app(config, db=db, token_verifier=tokens.verifier())
    return Env(db=db, tokens=tokens, client=app.test_client(), app=app)


@pytest.fixture
def db(database_url):
    database = Database(database_url, pool_size=2, max_overflow=2)
    yield database
    database.dispose()


def _hand_off(env: Env) -> str:
    admin = env.register("Alice", "Admin")
    house = env.house(admin)
    sheet = env.sheet(admin, house["id"], title="Film " + uuid.uuid4().hex[:6])
    response = env.client.post(f"/sheets/{sheet['id']}/set-access", headers=env.headers(admin))
    assert response.status_code == 200, response.json
    return response.json["redirect_url"]


def test_the_hand_off_goes_to_the_platforms_own_address_on_another_port(database_url, db, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", PLATFORM)
    monkeypatch.delenv("PRODUCTIONS_SET_URL", raising=False)
    redirect = urlsplit(_hand_off(_env(database_url, db)))
    assert (redirect.scheme, redirect.netloc, redirect.path) == ("http", "127.0.0.1:18600", "/set-demo")
    assert redirect.query.startswith("token=")


def test_an_explicit_set_address_still_wins(database_url, db, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", PLATFORM)
    monkeypatch.setenv("PRODUCTIONS_SET_URL", "https://set.example.test/acces")
    assert _hand_off(_env(database_url, db)).startswith("https://set.example.test/acces?token=")


def test_the_embedded_platform_on_port_18600_sends_every_link_to_18600(monkeypatch):
    """``PORT=18600 ./guichet start``: stack.embedded sets the environment the services then read."""
    from stack.embedded import _prepare_environment

    for name in ("PUBLIC_BASE_URL", "AUTH_JWKS_URL", "PRODUCTIONS_SET_URL", "BUS_URL",
                 "NOTIFIER_WEBHOOKS_ALLOW_PRIVATE", "CARDS_TRUSTED_PROXY_HOPS"):
        monkeypatch.setenv(name, "")  # remembered by monkeypatch, so what the stack sets is undone after...
        monkeypatch.delenv(name)      # ...then removed, as on a fresh shell
    _prepare_environment(18600)
    config = load_config()
    assert set_url(config) == "http://127.0.0.1:18600/set-demo"
    assert config.public_base_url == "http://127.0.0.1:18600"
    assert config.jwks_url == "http://127.0.0.1:18600/api/auth/.well-known/jwks.json"


def test_the_local_stack_leaves_the_set_address_to_the_default(tmp_path):
    """stack.local gives every service PUBLIC_BASE_URL; the SET address follows it."""
    from stack.local import common_environment, plan, service_environment

    layout = plan(tmp_path, port=18600)
    env = {**common_environment(layout), **service_environment("productions", layout)}
    assert env["PUBLIC_BASE_URL"] == "http://127.0.0.1:18600"
    assert env.get("PRODUCTIONS_SET_URL", f"{env['PUBLIC_BASE_URL']}/set-demo") == "http://127.0.0.1:18600/set-demo"


def test_without_public_base_url_the_jwks_address_follows_the_default(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://guichet.example.org/")
    monkeypatch.delenv("AUTH_JWKS_URL", raising=False)
    config = load_config()
    assert config.public_base_url == "https://guichet.example.org"
    assert config.jwks_url == "https://guichet.example.org/api/auth/.well-known/jwks.json"
