"""Sessions (C4-C6) over real PostgreSQL: the form's rules, who sees what, edits while new only."""
from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from services.cards.domain.dates import today_in_montreal
from tests.cards.helpers import deliver, envelope, participant_form, seed_trainer, session_form, user_payload

pytestmark = pytest.mark.integration


def create(client, headers, **overrides):
    response = client.post("/sessions", json=session_form(**overrides), headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_new_session_takes_the_trainer_block_from_the_account(client, trainer):
    body = create(client, trainer["headers"], trainer_email="autre@exemple.qc.ca",
                  second_trainer={"card_number": "TREM456-01", "first_name": " Marie ", "last_name": "Tremblay"})
    assert body["status"] == "new" and body["status_label"] == "Nouvelle"
    assert body["trainer"] == {"user_id": trainer["user_id"], "card_number": trainer["card_number"],
                               "first_name": "Claude", "last_name": "Éthier", "email": "autre@exemple.qc.ca"}
    assert body["second_trainer"] == {"card_number": "trem456-01", "first_name": "Marie", "last_name": "Tremblay"}
    assert body["delivery"]["postal_code"] == "H2X 1Y4"
    assert body["participant_count"] == 0
    assert body["quote"] == {"participant_count": 0, "unit_price": "2.00", "total": "0.00", "currency": "CAD",
                             "credit_card_allowed": False, "card_minimum": "5.00"}


def test_trainer_email_defaults_to_the_account(client, trainer):
    assert create(client, trainer["headers"])["trainer"]["email"] == trainer["email"]


def test_unknown_trainer_gets_a_clear_409(client, tokens):
    response = client.post("/sessions", json=session_form(), headers=tokens.headers("never-seen", ["trainer"]))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "trainer_unknown"
    assert "pas encore connu" in response.json["error"]["message"]


def test_accredited_institution_type_takes_the_name_from_the_list(client, trainer, staff):
    institutions = client.get("/reference", headers=staff["headers"]).json["institutions"]
    chosen = institutions[0]
    body = create(client, trainer["headers"], organization_type="maison_enseignement", organization_name=None,
                  institution_id=chosen["id"])
    assert body["organization_name"] == chosen["name"] and body["institution_id"] == chosen["id"]
    missing = client.post("/sessions", json=session_form(organization_type="maison_enseignement"),
                          headers=trainer["headers"])
    assert missing.status_code == 422 and "institution_id" in missing.json["error"]["fields"]


@pytest.mark.parametrize("overrides, field", [
    ({"end_date": (today_in_montreal() + timedelta(days=1)).isoformat()}, "end_date"),
    ({"end_date": (today_in_montreal() - timedelta(days=400)).isoformat()}, "end_date"),
    ({"end_date": "2026-02-30"}, "end_date"),
    ({"organization_type": "nope"}, "organization_type"),
    ({"activity_code": "nope"}, "activity_code"),
    ({"organization_name": None}, "organization_name"),
    ({"location": "   "}, "location"),
    ({"location": "x" * 201}, "location"),
    ({"trainer_email": "pas-un-courriel"}, "trainer_email"),
    ({"second_trainer": {"card_number": "123", "first_name": "A", "last_name": "B"}}, "second_trainer.card_number"),
    ({"second_trainer": {"card_number": "trem456-01"}}, "second_trainer"),
    ({"delivery": {"address": "1 rue X", "city": "Laval", "postal_code": "90210", "attention": "RH",
                   "email": "a@b.ca"}}, "delivery.postal_code"),
    ({"delivery": {"address": "1 rue X"}}, "delivery"),
    ({"unexpected": 1}, "unexpected"),
    ({"institution_id": "abc"}, "institution_id"),
    ({"organization_type": "maison_enseignement", "institution_id": 10**20}, "institution_id"),
    ({"organization_type": "maison_enseignement", "institution_id": 987654}, "institution_id"),
])
def test_bad_session_input_gives_422_with_the_field(client, trainer, overrides, field):
    response = client.post("/sessions", json=session_form(**overrides), headers=trainer["headers"])
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert client.get("/sessions", headers=trainer["headers"]).json["total"] == 0  # nothing half-written


def test_malformed_and_non_json_bodies(client, trainer):
    bad_json = client.post("/sessions", data="{", content_type="application/json", headers=trainer["headers"])
    assert bad_json.status_code == 400
    form = client.post("/sessions", data={"a": "b"}, headers=trainer["headers"])
    assert form.status_code == 415
    array = client.post("/sessions", json=[1, 2], headers=trainer["headers"])
    assert array.status_code == 422


def test_authorization_matrix(client, trainer, staff, db, tokens):
    session_id = create(client, trainer["headers"])["id"]
    other = seed_trainer(db)
    other_headers = tokens.headers(other["user_id"], ["trainer"])
    member = tokens.headers("member-1", ["member"])
    path = f"/sessions/{session_id}"
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get(path, headers=member).status_code == 403
    assert client.get(path, headers=other_headers).status_code == 404
    assert client.patch(path, json={"location": "X"}, headers=other_headers).status_code == 404
    assert client.delete(path, headers=other_headers).status_code == 404
    assert client.get(path + "/participants", headers=other_headers).status_code == 404
    assert client.get(path + "/quote", headers=other_headers).status_code == 404
    assert client.post(path + "/submit", json={"payment_method": "cheque", "billed_to": "individual"},
                       headers=other_headers).status_code == 404
    assert client.post(path + "/ship", headers=trainer["headers"]).status_code == 403
    assert client.get(path, headers=trainer["headers"]).status_code == 200
    assert client.get(path, headers=staff["headers"]).status_code == 200
    assert client.get("/sessions/does-not-exist", headers=staff["headers"]).status_code == 404
    assert client.post("/sessions", json=session_form(), headers=member).status_code == 403
    assert session_id not in [s["id"] for s in client.get("/sessions", headers=other_headers).json["items"]]


def test_second_trainer_sees_the_session_but_cannot_change_it(client, trainer, db, tokens):
    second = seed_trainer(db, first_name="Marie", last_name="Tremblay")
    body = create(client, trainer["headers"], second_trainer={"card_number": second["card_number"],
                                                              "first_name": "Marie", "last_name": "Tremblay"})
    headers = tokens.headers(second["user_id"], ["trainer"])
    assert [s["id"] for s in client.get("/sessions", headers=headers).json["items"]] == [body["id"]]
    assert client.get(f"/sessions/{body['id']}", headers=headers).status_code == 200
    assert client.patch(f"/sessions/{body['id']}", json={"location": "Ailleurs"}, headers=headers).status_code == 403


def test_edit_while_new_then_locked_after_submit(client, trainer):
    body = create(client, trainer["headers"])
    path = f"/sessions/{body['id']}"
    response = client.patch(path, json={"location": "  CHSLD   Saint-Joseph ", "delivery": {"postal_code": "g1v0a6"}},
                            headers=trainer["headers"])
    assert response.status_code == 200
    assert response.json["location"] == "CHSLD Saint-Joseph"
    assert response.json["delivery"]["postal_code"] == "G1V 0A6"
    assert response.json["delivery"]["city"] == "Montréal"
    bad = client.patch(path, json={"end_date": "2999-01-01"}, headers=trainer["headers"])
    assert bad.status_code == 422 and client.get(path, headers=trainer["headers"]).json["end_date"] == body["end_date"]
    client.post(path + "/participants", json=participant_form(), headers=trainer["headers"])
    submitted = client.post(path + "/submit", json={"payment_method": "cheque", "billed_to": "individual"},
                            headers=trainer["headers"])
    assert submitted.status_code == 202
    assert client.patch(path, json={"location": "X"}, headers=trainer["headers"]).status_code == 409
    assert client.delete(path, headers=trainer["headers"]).status_code == 409


def test_second_trainer_can_be_added_changed_and_removed(client, trainer):
    body = create(client, trainer["headers"])
    path = f"/sessions/{body['id']}"
    incomplete = client.patch(path, json={"second_trainer": {"card_number": "trem456-01"}}, headers=trainer["headers"])
    assert incomplete.status_code == 422
    assert set(incomplete.json["error"]["fields"]) == {"second_trainer.first_name", "second_trainer.last_name"}
    full = {"card_number": "trem456-01", "first_name": "Marie", "last_name": "Tremblay"}
    assert client.patch(path, json={"second_trainer": full}, headers=trainer["headers"]).status_code == 200
    renamed = client.patch(path, json={"second_trainer": {"last_name": "Tremblay-Roy"}}, headers=trainer["headers"])
    assert renamed.json["second_trainer"] == {**full, "last_name": "Tremblay-Roy"}
    itself = client.patch(path, json={"second_trainer": {"card_number": trainer["card_number"]}},
                          headers=trainer["headers"])
    assert itself.status_code == 422 and "second_trainer.card_number" in itself.json["error"]["fields"]
    removed = client.patch(path, json={"second_trainer": None}, headers=trainer["headers"])
    assert removed.status_code == 200 and removed.json["second_trainer"] is None


def test_delete_while_new(client, trainer, staff):
    body = create(client, trainer["headers"])
    assert client.delete(f"/sessions/{body['id']}", headers=trainer["headers"]).status_code == 204
    assert client.get(f"/sessions/{body['id']}", headers=trainer["headers"]).status_code == 404
    trail = client.get(f"/audit?session_id={body['id']}", headers=staff["headers"]).json["items"]
    actions = [e["action"] for e in trail]
    assert actions == ["deleted", "created"]


def test_staff_filters_and_pagination(client, db, tokens, staff):
    person = seed_trainer(db)
    headers = tokens.headers(person["user_id"], ["trainer"])
    old = (today_in_montreal() - timedelta(days=60)).isoformat()
    first = create(client, headers, organization_name="Résidence Les Érables", end_date=old)
    second = create(client, headers, organization_name="CLSC Hochelaga")
    by_trainer = client.get(f"/sessions?trainer={person['card_number']}", headers=staff["headers"]).json
    assert by_trainer["total"] == 2
    found = client.get(f"/sessions?trainer={person['user_id']}&organization=erables", headers=staff["headers"]).json
    assert [s["id"] for s in found["items"]] == [first["id"]]
    recent = client.get(f"/sessions?trainer={person['user_id']}&date_from={(today_in_montreal() - timedelta(days=10))}",
                        headers=staff["headers"]).json
    assert [s["id"] for s in recent["items"]] == [second["id"]]
    page = client.get(f"/sessions?trainer={person['user_id']}&limit=1&offset=1", headers=staff["headers"]).json
    assert page["total"] == 2 and len(page["items"]) == 1
    assert client.get("/sessions?status=new&limit=1", headers=staff["headers"]).json["total"] >= 2
    for query in ("status=bogus", "limit=0", "limit=abc", "offset=-1", f"offset={10**20}", "date_from=yesterday"):
        response = client.get(f"/sessions?{query}", headers=staff["headers"])
        assert response.status_code == 422, query


def test_trainer_read_model_follows_auth_events_in_order(client, db, tokens):
    person = seed_trainer(db)
    update = user_payload(person["user_id"], card_number=person["card_number"], email="nouveau@exemple.qc.ca")
    deliver(db, envelope("auth.user_updated", update, "auth"))
    stale = user_payload(person["user_id"], card_number=person["card_number"], email="ancien@exemple.qc.ca")
    from datetime import datetime
    deliver(db, envelope("auth.user_updated", stale, "auth", occurred_at=datetime(2020, 1, 1, tzinfo=UTC)))
    headers = tokens.headers(person["user_id"], ["trainer"])
    assert create(client, headers)["trainer"]["email"] == "nouveau@exemple.qc.ca"
    demoted = user_payload(person["user_id"], roles=["member"], card_number=person["card_number"])
    deliver(db, envelope("auth.user_updated", demoted, "auth"))
    assert client.post("/sessions", json=session_form(), headers=headers).status_code == 409


def test_members_are_not_kept_in_the_trainer_read_model(client, db, tokens):
    payload = user_payload("member-42", roles=["member"])
    deliver(db, envelope("auth.user_registered", payload, "auth"))
    response = client.post("/sessions", json=session_form(), headers=tokens.headers("member-42", ["trainer"]))
    assert response.status_code == 409
