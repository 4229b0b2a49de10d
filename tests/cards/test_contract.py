"""Every endpoint against bad input (4xx with field errors, never 500) and the authorization matrix."""
from __future__ import annotations

import io
import json

import pytest

from tests.cards.helpers import deliver, envelope, participant_form, seed_trainer, session_form

pytestmark = pytest.mark.integration

JUNK_BODIES = [[], "text", 42, None, True, {"unexpected": True}, {"title": {"nested": 1}, "first_name": ["x"]},
               {"payment_method": 1, "billed_to": None, "location": 5, "end_date": 20240101}]


@pytest.fixture(scope="module")
def world(app, db, tokens):
    """One paid request of trainer A (with a participant and an attestation), another trainer, a member, staff."""
    client = app.test_client()
    owner = seed_trainer(db)
    owner_headers = tokens.headers(owner["user_id"], ["trainer"])
    session_id = client.post("/sessions", json=session_form(), headers=owner_headers).json["id"]
    participant_id = client.post(f"/sessions/{session_id}/participants", json=participant_form(),
                                 headers=owner_headers).json["id"]
    new_id = client.post("/sessions", json=session_form(), headers=owner_headers).json["id"]
    client.post(f"/sessions/{session_id}/submit", json={"payment_method": "cheque", "billed_to": "individual"},
                headers=owner_headers)
    deliver(db, envelope("billing.invoice_paid", {"invoice_id": "i", "number": "F-1", "session_id": session_id},
                         "billing"))
    code = client.get(f"/sessions/{session_id}/attestations", headers=owner_headers).json["items"][0]["code"]
    other = seed_trainer(db)
    return {"session": session_id, "new": new_id, "participant": participant_id, "code": code,
            "owner": owner_headers, "other": tokens.headers(other["user_id"], ["trainer"]),
            "member": tokens.headers("member-9", ["member"]), "staff": tokens.headers("staff-9", ["cards_staff"])}


VALID_BODIES = {"/submit": {"payment_method": "cheque", "billed_to": "individual"}, "/cancel": {},
                "/participants": participant_form(first_name="Autre"), "/sessions": session_form(),
                "/reference/titles": {"code": "dr", "label": "Dr"}}


def valid_body(method: str, path: str):
    """A body that passes validation, so the answer is about who calls, not what they sent."""
    if method == "PATCH":
        return {"active": True} if path.startswith("/reference") else {"first_name": "Autre"} \
            if "/participants/" in path else {"location": "Ailleurs"}
    if method != "POST" or path.endswith("/ship") or path.endswith("/reissue"):
        return None
    return next(body for suffix, body in VALID_BODIES.items() if path.endswith(suffix))


def call(client, method: str, path: str, headers=None):
    if path.endswith("/import"):
        csv = b"titre;prenom;nom;naissance;telephone\nMme;Ann;Roy;1990-01-01;5145550101\n"
        return client.open(path, method=method, data={"file": (io.BytesIO(csv), "p.csv")}, headers=headers,
                           content_type="multipart/form-data")
    return client.open(path, method=method, json=valid_body(method, path), headers=headers)


def endpoints(w) -> list[tuple[str, str, bool]]:
    """(method, path, staff only) of every endpoint that needs a token."""
    s, n, p, c = w["session"], w["new"], w["participant"], w["code"]
    return [("GET", "/sessions", False), ("POST", "/sessions", False), ("GET", f"/sessions/{s}", False),
            ("PATCH", f"/sessions/{n}", False), ("DELETE", f"/sessions/{n}", False),
            ("GET", f"/sessions/{s}/quote", False), ("POST", f"/sessions/{n}/submit", False),
            ("POST", f"/sessions/{n}/cancel", False), ("POST", f"/sessions/{s}/ship", True),
            ("GET", f"/sessions/{s}/participants", False), ("POST", f"/sessions/{n}/participants", False),
            ("GET", f"/sessions/{s}/participants/{p}", False), ("PATCH", f"/sessions/{n}/participants/{p}", False),
            ("DELETE", f"/sessions/{n}/participants/{p}", False), ("POST", f"/sessions/{n}/participants/import", False),
            ("GET", f"/sessions/{s}/attestations", False), ("GET", f"/sessions/{s}/attestations.pdf", False),
            ("GET", f"/attestations/{c}/pdf", False), ("POST", f"/attestations/{c}/reissue", True),
            ("GET", "/participants?last_name=tremblay", True), ("GET", f"/audit?session_id={s}", True),
            ("POST", "/reference/titles", True), ("PATCH", "/reference/titles/mx", True)]


def test_no_token_is_401_everywhere(app, world):
    client = app.test_client()
    for method, path, _ in endpoints(world):
        assert call(client, method, path).status_code == 401, (method, path)


def test_a_member_is_403_everywhere(app, world):
    client = app.test_client()
    for method, path, _ in endpoints(world):
        assert call(client, method, path, world["member"]).status_code == 403, (method, path)


def test_another_trainer_gets_404_on_the_request_and_403_on_staff_actions(app, world):
    client = app.test_client()
    for method, path, staff_only in endpoints(world):
        if path in ("/sessions",) or path.startswith("/reference"):
            continue
        expected = 403 if staff_only else 404
        status = call(client, method, path, world["other"]).status_code
        assert status == expected, (method, path, status)


def test_staff_reach_every_request(app, world):
    client = app.test_client()
    for path in (f"/sessions/{world['session']}", f"/sessions/{world['session']}/participants",
                 f"/sessions/{world['session']}/attestations.pdf", f"/attestations/{world['code']}/pdf"):
        assert client.get(path, headers=world["staff"]).status_code == 200, path


@pytest.mark.parametrize("body", JUNK_BODIES)
def test_junk_bodies_never_give_a_500(app, world, body):
    client = app.test_client()
    w = world
    targets = [("POST", "/sessions", w["owner"]), ("PATCH", f"/sessions/{w['new']}", w["owner"]),
               ("POST", f"/sessions/{w['new']}/participants", w["owner"]),
               ("PATCH", f"/sessions/{w['new']}/participants/x", w["owner"]),
               ("POST", f"/sessions/{w['new']}/submit", w["owner"]),
               ("POST", f"/sessions/{w['new']}/cancel", w["owner"]),
               ("POST", "/reference/activities", w["staff"]), ("PATCH", "/reference/activities/pdsb", w["staff"])]
    for method, path, headers in targets:
        response = client.open(path, method=method, data=json.dumps(body), content_type="application/json",
                               headers=headers)
        assert 400 <= response.status_code < 500, (method, path, response.status_code, response.json)
        error = response.json["error"]
        assert error["code"] and error["message"] and " / " not in error["message"]  # one language, French
        if response.status_code == 422:
            assert error.get("fields"), (method, path)


def test_unknown_routes_and_methods(app, world):
    client = app.test_client()
    assert client.get("/nope", headers=world["owner"]).status_code == 404
    assert client.put(f"/sessions/{world['session']}", json={}, headers=world["owner"]).status_code == 405
