"""The notifier's HTTP contract: delivery log and webhooks, who may call them, bad input, SSRF refusal."""
from __future__ import annotations

import base64

import pytest

from services.notifier.app import create_app
from tests.notifier.support import (
    envelope,
    handle,
    invoice,
    make_config,
    payment,
    shipped,
    trainer,
    user,
    with_password,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def log_entries(db, handlers):
    """Four emails: three for ASSTSAS (cards portal), one for AQPM (productions portal)."""
    events = [envelope("billing.invoice_issued", invoice()), envelope("billing.payment_received", payment()),
              envelope("cards.session_shipped", shipped()), envelope("auth.user_registered", user())]
    for event in events:
        handle(db, handlers, event)
    return events


@pytest.fixture
def strict_client(db, tokens):
    """An app configured like production: private webhook targets refused."""
    app = create_app(make_config(db.url, None, WEBHOOKS_ALLOW_PRIVATE="0"), db=db, token_verifier=tokens.verifier())
    return app.test_client()


def test_messages_need_a_token_and_a_staff_role(client, tokens, log_entries):
    assert client.get("/messages").status_code == 401
    assert client.get("/messages").json["error"]["code"] == "unauthorized"
    response = client.get("/messages", headers=tokens.headers("u-trainer-1", ["trainer"]))
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert client.get("/messages", headers=tokens.headers("u-1", ["member"])).status_code == 403


def test_each_staff_sees_the_log_of_its_own_portal(client, cards_staff, productions_staff, log_entries):
    cards = client.get("/messages", headers=cards_staff).json
    assert cards["total"] == 3
    assert {item["template"] for item in cards["items"]} == {"invoice_issued", "payment_received", "cards_shipped"}
    item = next(i for i in cards["items"] if i["template"] == "invoice_issued")
    assert item["to"] == "factures@example.test"
    assert item["subject"] == "Facture F-2026-00042 — Guichet — Demande de cartes"
    assert item["status"] == "pending" and item["attempts"] == 0 and item["event_id"] == log_entries[0].id
    assert set(item) >= {"id", "to", "subject", "template", "status", "attempts", "event_id", "created_at",
                         "last_error"}

    aqpm = client.get("/messages", headers=productions_staff).json
    assert aqpm["total"] == 1 and aqpm["items"][0]["template"] == "member_welcome"
    assert client.get(f"/messages/{item['id']}", headers=productions_staff).status_code == 404
    assert client.get(f"/messages/{item['id']}", headers=cards_staff).json["id"] == item["id"]


def test_the_log_filters_and_pages(client, cards_staff, log_entries):
    def get(query):
        response = client.get(f"/messages?{query}", headers=cards_staff)
        assert response.status_code == 200, response.json
        return response.json

    assert get("template=cards_shipped")["total"] == 1
    assert get("to=FACTURES@example.test")["total"] == 2
    assert get(f"event_id={log_entries[1].id}")["items"][0]["template"] == "payment_received"
    assert get("status=sent")["total"] == 0
    page = get("limit=2&offset=2")
    assert page["total"] == 3 and len(page["items"]) == 1


@pytest.mark.parametrize("query, field", [("status=lost", "status"), ("limit=0", "limit"), ("limit=1000", "limit"),
                                          ("offset=-1", "offset"), ("template=nope", "template"),
                                          ("colour=blue", "colour")])
def test_bad_log_queries_are_422_with_field_errors(client, cards_staff, query, field):
    response = client.get(f"/messages?{query}", headers=cards_staff)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error" and field in response.json["error"]["fields"]


def test_only_a_failed_message_can_be_replayed(client, cards_staff, log_entries):
    message_id = client.get("/messages", headers=cards_staff).json["items"][0]["id"]
    response = client.post(f"/messages/{message_id}/retry", headers=cards_staff)
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    assert client.post("/messages/not-a-message/retry", headers=cards_staff).status_code == 404


def test_a_failed_password_email_whose_password_expired_cannot_be_replayed(db, client, cards_staff, handlers):
    from sqlalchemy import update

    from services.notifier.db.models import Message
    handle(db, handlers, envelope("auth.password_reset_requested", with_password(trainer())))
    with db.transaction() as session:
        session.execute(update(Message).values(status="failed", secret_ciphertext=None))
    [item] = client.get("/messages", headers=cards_staff).json["items"]
    response = client.post(f"/messages/{item['id']}/retry", headers=cards_staff)
    assert response.status_code == 409
    assert response.json["error"]["message"] == ("Le mot de passe temporaire a expiré : la personne doit en demander "
                                                 "un nouveau.")
    response = client.post(f"/messages/{item['id']}/retry", headers={**cards_staff, "Accept-Language": "en"})
    assert response.json["error"]["message"] == "The temporary password expired: the person must ask for a new one."
    assert response.headers["Content-Language"] == "en"


@pytest.mark.parametrize("language, message, events, url, unknown", [
    (None, "Certains champs sont invalides.",
     "billing.no_such_event : type d'événement inconnu ou hors de votre portail.",
     "L'adresse ne doit pas contenir d'identifiants.", "Champ inconnu."),
    ("en-CA,en;q=0.9", "Some fields are invalid.", "billing.no_such_event: unknown event type or not of your portal.",
     "The URL must not carry credentials.", "Unknown field."),
])
def test_errors_speak_the_caller_s_language(client, cards_staff, language, message, events, url, unknown):
    headers = {**cards_staff, **({"Accept-Language": language} if language else {})}
    response = client.post("/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["billing.no_such_event"]},
                           headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["message"] == message and response.json["error"]["fields"]["events"] == [events]
    response = client.post("/webhooks", json={"url": "http://user:pw@example.com/h",
                                              "events": ["billing.invoice_issued"]}, headers=headers)
    assert response.json["error"]["fields"]["url"] == [url]
    response = client.post("/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["billing.invoice_issued"],
                                              "owner": "me"}, headers=headers)
    assert response.json["error"]["fields"]["owner"] == [unknown]
    assert response.headers["Content-Language"] == ("en" if language else "fr")
    response = client.get("/messages/not-a-message", headers=headers)
    assert response.json["error"]["message"] == ("Message not found." if language else "Message introuvable.")


def test_webhook_crud_and_the_secret_is_shown_only_once(client, cards_staff, productions_staff):
    created = client.post("/webhooks", json={"url": " http://127.0.0.1:9/hook ", "events": ["billing.invoice_issued"]},
                          headers=cards_staff)
    assert created.status_code == 201, created.json
    hook = created.json
    assert hook["url"] == "http://127.0.0.1:9/hook" and hook["portal"] == "cards"
    assert hook["secret"].startswith("whsec_") and len(base64.b64decode(hook["secret"][6:], validate=True)) == 32

    listed = client.get("/webhooks", headers=cards_staff).json
    assert listed["total"] == 1 and "secret" not in listed["items"][0]
    assert "secret" not in client.get(f"/webhooks/{hook['id']}", headers=cards_staff).json
    assert client.get("/webhooks", headers=productions_staff).json["total"] == 0
    assert client.delete(f"/webhooks/{hook['id']}", headers=productions_staff).status_code == 404
    assert client.delete(f"/webhooks/{hook['id']}", headers=cards_staff).status_code == 204
    assert client.get("/webhooks", headers=cards_staff).json["total"] == 0


def _whsec(size: int) -> str:
    return "whsec_" + base64.b64encode(bytes(range(1, size + 1))).decode()


def test_a_secret_given_by_staff_in_the_standard_form_is_kept(client, cards_staff):
    for secret in (_whsec(24), _whsec(64)):
        response = client.post("/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["billing.invoice_issued"],
                                                  "secret": secret}, headers=cards_staff)
        assert response.status_code == 201, response.json
        assert response.json["secret"] == secret


@pytest.mark.parametrize("secret", [
    "short",
    "whsec_test_0123456789abcdef",                 # any 16 characters, as accepted before
    "whsec_" + base64.urlsafe_b64encode(bytes(range(200, 232))).decode().rstrip("="),  # generated before
    _whsec(23), _whsec(65),                        # the specification's 24 to 64 bytes
    _whsec(32).removeprefix("whsec_"),             # no prefix
    _whsec(32).rstrip("="),                        # unpadded
    _whsec(32) + "\n",
    "whsec_" + "é" * 44,
])
@pytest.mark.parametrize("language, message", [
    (None, "Secret attendu : « whsec_ » suivi de 24 à 64 octets encodés en base64."),
    ("en", 'Expected secret: "whsec_" followed by 24 to 64 bytes encoded in base64.'),
])
def test_a_secret_not_in_the_standard_form_is_a_422_on_its_field(client, cards_staff, secret, language, message):
    headers = {**cards_staff, **({"Accept-Language": language} if language else {})}
    response = client.post("/webhooks", json={"url": "http://127.0.0.1:9/h", "events": ["billing.invoice_issued"],
                                              "secret": secret}, headers=headers)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_error"
    assert response.json["error"]["fields"] == {"secret": [message]}
    assert client.get("/webhooks", headers=cards_staff).json["total"] == 0


@pytest.mark.parametrize("body, field", [
    ({"url": "http://127.0.0.1:9/h", "events": ["billing.no_such_event"]}, "events"),
    ({"url": "http://127.0.0.1:9/h", "events": ["productions.access_granted"]}, "events"),  # AQPM's events
    ({"url": "http://127.0.0.1:9/h", "events": []}, "events"),
    ({"url": "ftp://example.com/h", "events": ["billing.invoice_issued"]}, "url"),
    ({"url": "http://127.0.0.1:9/h", "events": ["billing.invoice_issued"], "secret": "short"}, "secret"),
    ({"url": "http://127.0.0.1:9/h", "events": ["billing.invoice_issued"], "owner": "me"}, "owner"),
    ({"events": ["billing.invoice_issued"]}, "url"),
])
def test_bad_webhook_bodies_are_422_and_write_nothing(client, cards_staff, body, field):
    response = client.post("/webhooks", json=body, headers=cards_staff)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert client.get("/webhooks", headers=cards_staff).json["total"] == 0


def test_webhooks_need_staff_and_json(client, tokens, cards_staff):
    body = {"url": "http://127.0.0.1:9/h", "events": ["billing.invoice_issued"]}
    assert client.post("/webhooks", json=body).status_code == 401
    assert client.post("/webhooks", json=body, headers=tokens.headers("t", ["trainer"])).status_code == 403
    assert client.post("/webhooks", data="url=x", headers={**cards_staff, "Content-Type": "text/plain"}
                       ).status_code == 415
    assert client.post("/webhooks", data="{not json", headers={**cards_staff, "Content-Type": "application/json"}
                       ).status_code == 400


def test_staff_of_both_portals_must_say_which_owns_the_webhook(client, tokens):
    both = tokens.headers("boss", ["cards_staff", "productions_staff"])
    body = {"url": "http://127.0.0.1:9/h", "events": ["auth.user_registered"]}
    response = client.post("/webhooks", json=body, headers=both)
    assert response.status_code == 422 and "portal" in response.json["error"]["fields"]
    response = client.post("/webhooks", json={**body, "portal": "productions"}, headers=both)
    assert response.status_code == 201 and response.json["portal"] == "productions"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.0.0.5/hook",
                                 "http://192.168.1.10/hook", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]/hook", "http://[fe80::1]/hook", "http://0.0.0.0/hook",
                                 "http://[::ffff:127.0.0.1]/hook", "http://user:pw@example.com/hook"])
def test_private_loopback_and_link_local_targets_are_refused(strict_client, cards_staff, url):
    response = strict_client.post("/webhooks", json={"url": url, "events": ["billing.invoice_issued"]},
                                  headers=cards_staff)
    assert response.status_code == 422, (url, response.json)
    assert "url" in response.json["error"]["fields"]


def test_a_public_target_is_accepted_when_private_ones_are_refused(strict_client, cards_staff):
    response = strict_client.post("/webhooks", json={"url": "https://93.184.215.14/hook",
                                                     "events": ["billing.invoice_issued"]}, headers=cards_staff)
    assert response.status_code == 201, response.json


def test_openapi_documents_every_endpoint(client):
    paths = client.get("/openapi.json").json["paths"]
    assert {"/messages", "/messages/{message_id}", "/messages/{message_id}/retry", "/webhooks",
            "/webhooks/{webhook_id}", "/webhooks/{webhook_id}/deliveries"} <= set(paths)
    assert client.get("/healthz").status_code == 200
