"""Cards speaks the caller's language: French by default, English for ``Accept-Language: en``, in the
error's message and its field messages alike; the attestation PDFs speak their request's language."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from services.cards.domain.attestation_pdf import CardContent, render_one, render_sheet
from tests.cards.helpers import participant_form, seed_trainer, session_form
from tests.cards.test_lifecycle import SUBMIT_CHEQUE, billing, new_request

pytestmark = pytest.mark.integration

ENGLISH = {"Accept-Language": "en"}


def bad_session(client, headers):
    """A request form with a field too long, an unknown field and a missing one."""
    form = session_form(location="x" * 201, bogus=1)
    del form["activity_code"]
    return client.post("/sessions", json=form, headers=headers)


def test_an_error_without_accept_language_is_french(client, trainer):
    response = bad_session(client, trainer["headers"])
    assert response.status_code == 422 and response.headers["Content-Language"] == "fr"
    error = response.json["error"]
    assert error["message"] == "Certains champs sont invalides."
    assert error["fields"] == {"location": ["Entre 1 et 200 caractères."], "bogus": ["Champ inconnu."],
                               "activity_code": ["Champ obligatoire."]}


def test_an_error_for_accept_language_en_is_english(client, trainer):
    response = bad_session(client, {**trainer["headers"], **ENGLISH})
    assert response.status_code == 422 and response.headers["Content-Language"] == "en"
    error = response.json["error"]
    assert error["message"] == "Some fields are invalid."
    assert error["fields"] == {"location": ["Between 1 and 200 characters."], "bogus": ["Unknown field."],
                               "activity_code": ["Required field."]}


def test_business_rules_speak_english_too(client, trainer):
    headers = {**trainer["headers"], **ENGLISH}
    session_id = client.post("/sessions", json=session_form(), headers=headers).json["id"]
    body = client.get(f"/sessions/{session_id}", headers=headers).json
    assert body["status_label"] == "New"
    refused = client.post(f"/sessions/{session_id}/participants", json=participant_form(phone="12"), headers=headers)
    assert refused.status_code == 422 and refused.headers["Content-Language"] == "en"
    assert refused.json["error"]["fields"]["phone"] == ["Invalid phone number (e.g. 514-555-1234)."]
    empty = client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers)
    assert empty.json["error"]["fields"] == {"participants": ["Add at least one participant before submitting."]}
    french = client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=trainer["headers"])
    assert french.json["error"]["fields"] == {"participants": ["Ajoutez au moins un participant avant de soumettre."]}
    assert client.get(f"/sessions/{session_id}", headers=trainer["headers"]).json["status_label"] == "Nouvelle"


def test_a_message_with_a_value_is_filled_in_either_language(client, trainer):
    session_id = new_request(client, trainer["headers"], participants=1)
    client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=trainer["headers"])
    french = client.patch(f"/sessions/{session_id}", json={"location": "Ailleurs"}, headers=trainer["headers"])
    assert french.status_code == 409
    assert french.json["error"]["message"] == "La demande n'est plus modifiable (statut « Soumise »)."
    english = client.patch(f"/sessions/{session_id}", json={"location": "Ailleurs"},
                           headers={**trainer["headers"], **ENGLISH})
    assert english.json["error"]["message"] == 'The request can no longer be changed (status "Submitted").'


def card(language: str, **overrides) -> CardContent:
    values = dict(name="Josée Lévesque", activity="PDSB", end_date=date(2026, 11, 20), trainers="Claude Éthier",
                  code="ABCD-EFGH-0001", verification_url="https://guichet.exemple.ca/attestations/1",
                  language=language)
    values.update(overrides)
    return CardContent(**values)


def text_of(pdf: bytes) -> str:
    return " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_an_english_attestation_reads_in_english():
    text = text_of(render_one(card("en", revoked=True)))
    for expected in ("Training attestation", "Date: November 20, 2026", "Trainer(s): Claude Éthier",
                     "Code: ABCD-EFGH-0001", "Verify", "REVOKED"):
        assert expected in text, expected
    assert "Attestation de formation" not in text and "novembre" not in text and "RÉVOQUÉE" not in text


def test_a_french_attestation_reads_in_french():
    text = text_of(render_sheet([card("fr", revoked=True), card("xx")], "Feuille"))
    for expected in ("Attestation de formation", "Date : 20 novembre 2026", "Formateur(s) : Claude Éthier",
                     "Code : ABCD-EFGH-0001", "Vérifier", "RÉVOQUÉE"):
        assert expected in text, expected
    assert "Training" not in text and "November" not in text and "REVOKED" not in text


def test_the_attestation_pdfs_speak_the_requests_language(client, db, tokens):
    person = seed_trainer(db, language="en")
    headers = tokens.headers(person["user_id"], ["trainer"])
    session_id = new_request(client, headers, participants=1)
    client.post(f"/sessions/{session_id}/submit", json=SUBMIT_CHEQUE, headers=headers)
    billing(db, "billing.invoice_paid", session_id)
    text = text_of(client.get(f"/sessions/{session_id}/attestations.pdf", headers=headers).data)
    assert "Training attestation" in text and "Trainer(s): Claude Éthier" in text
