"""Every endpoint with an id x every role x another owner's ids -> 0 reads or writes of what isn't theirs.

The matrix is built from the OpenAPI documents: every operation whose path has a parameter. Owner A
of each service makes real resources through the API (or the real consumer for billing's invoices);
then the second person of every role (owner B) calls each operation on A's ids, with a body that
would be valid for A. Expected: 403 or 404, and the database unchanged (every table but the audit
and throttling ones, compared row by row before and after).

Staff of the resource's own domain may see everything (cards_staff: cards, billing and auth's
trainers; productions_staff: productions; both: the notifier and auth's directory), so those
(operation, role) pairs are counted as allowed, not checked, but for a person's data export, which only its
owner may download (``OWNER_ONLY``). Public verification of attestations
(``/attestations/{code}``, by design) is left out.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from services.notifier.operations.data_exports import assemble_if_complete, open_export
from tests.billing.support import issue
from tests.cards.helpers import participant_form, session_form
from tests.fuzz.apps import ROLES, SERVICES, openapi_document
from tests.notifier.support import envelope

pytestmark = pytest.mark.integration

DOMAIN_STAFF = {"auth": {"cards_staff", "productions_staff"}, "cards": {"cards_staff"}, "billing": {"cards_staff"},
                "productions": {"productions_staff"}, "notifier": {"cards_staff", "productions_staff"}}
PUBLIC = {("cards", "/attestations/{code}"), ("cards", "/attestations/{code}/pdf"),
          ("cards", "/attestations/{code}/reissue")}
# What only its owner may reach, staff of the domain included: a person's data export (its link).
OWNER_ONLY = {("notifier", "/data-exports/{token}")}
UNTRACKED_TABLES = re.compile(r"(audit|throttle|alembic_version|signing_keys)")
BODIES = {  # (service, method, path) -> a body valid for the owner
    ("cards", "PATCH", "/sessions/{session_id}"): {"location": "Ailleurs, Québec"},
    ("cards", "POST", "/sessions/{session_id}/participants"): participant_form(first_name="Intrus"),
    ("cards", "PATCH", "/sessions/{session_id}/participants/{participant_id}"): {"first_name": "Intrus"},
    ("cards", "POST", "/sessions/{session_id}/submit"): {"payment_method": "cheque", "billed_to": "organization"},
    ("cards", "POST", "/sessions/{session_id}/cancel"): {},
    ("billing", "POST", "/invoices/{invoice_id}/payments"): {
        "method": "credit_card", "card": {"number": "4242424242424242", "exp_month": 11, "exp_year": 2033,
                                          "cvc": "123", "holder": "Intrus"}},
    ("productions", "PATCH", "/houses/{house_id}"): {"name": "Maison détournée"},
    ("productions", "PATCH", "/sheets/{sheet_id}"): {"title": "Fiche détournée"},
    ("auth", "PATCH", "/users/{user_id}"): {"email": "intrus@exemple.qc.ca"},
    ("notifier", "POST", "/messages/{message_id}/retry"): {},
    ("productions", "POST", "/houses/{house_id}/admins"): "intruder",
    ("productions", "POST", "/sheets/{sheet_id}/access"): "intruder",
}
CSV = "titre,prenom,nom,date_naissance,telephone,poste\nmme,Intruse,Tremblay,1985-04-12,(514) 555-0199,\n"


def send(sut, intruder, method: str, path: str, url: str):
    """The request an owner would make, made by ``intruder``."""
    headers = {**sut.headers(intruder), "Idempotency-Key": uuid.uuid4().hex}
    if path.endswith("/participants/import"):
        return sut.client().open(url, method=method, headers=headers, content_type="multipart/form-data",
                                 data={"file": (io.BytesIO(CSV.encode()), "participants.csv", "text/csv")})
    body = BODIES.get((sut.service, method, path), {})
    if body == "intruder":  # the intruder tries to give themselves access
        body = {"user_id": intruder.user_id}
    return sut.client().open(url, method=method, json=body, headers=headers)


def snapshot(db) -> str:
    with db.reading() as session:
        tables = [t for t in session.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                                  "ORDER BY tablename")).all() if not UNTRACKED_TABLES.search(t)]
        rows = {t: sorted(json.dumps(list(map(str, r))) for r in session.execute(text(f'SELECT * FROM "{t}"')))
                for t in tables}
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def seed(service: str, sut) -> dict[str, str]:
    """Owner A's resources; returns path parameter name -> id."""
    client = sut.client()
    if service == "auth":
        return {"user_id": sut.people["member"][0].user_id}
    if service == "cards":
        trainer = sut.headers(sut.people["trainer"][0])
        created = client.post("/sessions", json=session_form(), headers=trainer)
        assert created.status_code == 201, created.get_json()
        session_id = created.get_json()["id"]
        participant = client.post(f"/sessions/{session_id}/participants", json=participant_form(), headers=trainer)
        assert participant.status_code == 201, participant.get_json()
        return {"session_id": session_id, "participant_id": participant.get_json()["id"],
                "kind": "activities", "code": "pdsb"}
    if service == "billing":
        owner = sut.people["trainer"][0]
        invoice = issue(sut.db, payment_method="credit_card", user_id=owner.user_id)
        paid = client.post(f"/invoices/{invoice.id}/payments", headers={**sut.headers(owner), "Idempotency-Key": "a1"},
                           json={"method": "credit_card", "card": {"number": "4242424242424242", "exp_month": 11,
                                                                   "exp_year": 2033, "cvc": "123", "holder": "A"}})
        assert paid.status_code == 201, paid.get_json()
        other = issue(sut.db, payment_method="credit_card", user_id=owner.user_id)
        return {"invoice_id": str(other.id), "payment_id": str(paid.get_json()["id"])}
    if service == "productions":
        member = sut.people["member"][0]
        house = client.post("/houses",
                            json={"name": f"Maison {uuid.uuid4().hex[:6]}", "delegate_ids": [member.user_id]},
                            headers=sut.headers(sut.people["productions_staff"][0]))
        assert house.status_code == 201, house.get_json()
        house_id = house.get_json()["id"]
        sheet = client.post("/sheets", json={"house_id": house_id, "title": "Fiche de A"}, headers=sut.headers(member))
        assert sheet.status_code == 201, sheet.get_json()
        producer = client.post("/producers", json={"name": "Productions A", "house_ids": [house_id]},
                               headers=sut.headers(member))
        assert producer.status_code == 201, producer.get_json()
        return {"house_id": house_id, "sheet_id": sheet.get_json()["id"], "producer_id": producer.get_json()["id"],
                "user_id": member.user_id}
    if service == "notifier":
        hook = client.post("/webhooks", json={"url": "http://127.0.0.1:9/hook-a", "events": ["billing.invoice_paid"]},
                           headers=sut.headers(sut.people["cards_staff"][0]))
        assert hook.status_code == 201, hook.get_json()
        return {"webhook_id": hook.get_json()["id"], "message_id": str(uuid.uuid4()), "delivery_id": str(uuid.uuid4()),
                "token": ready_data_export(sut.db, sut.people["member"][0])}
    raise AssertionError(service)


def ready_data_export(db, owner) -> str:
    """Owner A's data export, assembled, its download link's token (as only A's email holds it)."""
    export_id = str(uuid.uuid4())
    request = envelope("auth.data_export_requested", {
        "export_id": export_id, "parts": ["notifier"], "requested_at": datetime.now(UTC).isoformat(),
        "subject": {"kind": "account", "user_id": owner.user_id, "email": owner.email, "first_name": "A",
                    "last_name": "Owner"},
        "recipient": {"user_id": owner.user_id, "portal": "productions"}})
    with db.transaction() as session:
        token = assemble_if_complete(session, open_export(session, request, "Owner A", []), link_hours=24)
    assert token
    return token


def operations_with_ids(service: str) -> list[tuple[str, str]]:
    found = []
    for path, item in openapi_document(service)["paths"].items():
        if "{" in path and (service, path) not in PUBLIC:
            found += [(method.upper(), path) for method in item if method in ("get", "post", "put", "patch", "delete")]
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_another_owners_ids_are_neither_read_nor_written(platform, service):
    sut = platform[service]
    ids = seed(service, sut)
    checked, allowed, breaches = 0, 0, []
    for method, path in operations_with_ids(service):
        url = re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], path)
        for role in ROLES:
            if role in DOMAIN_STAFF[service] and (service, path) not in OWNER_ONLY:
                allowed += 1
                continue
            intruder = sut.people[role][1]
            if service in ("cards", "billing", "productions") and intruder is sut.people[role][0]:
                continue
            before = snapshot(sut.db)
            response = send(sut, intruder, method, path, url)
            changed = snapshot(sut.db) != before
            checked += 1
            if response.status_code not in (403, 404) or changed:
                note = " (database changed)" if changed else ""
                breaches.append(f"{role} {method} {url} -> {response.status_code}{note}")
    print(f"{service}: {checked} cross-owner calls checked, {allowed} (operation, staff role) pairs allowed")
    assert checked > 0
    assert breaches == []
