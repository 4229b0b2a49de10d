"""The cards service (`/api/cards`): reference lists, sessions, participants, quotes, attestations."""
from __future__ import annotations

from services.web.clients.collection import Collection, given

S = "cards"


def reference(api, include_retired: bool = False) -> dict:
    return api.get(S, "/reference", params={"include_retired": "true"} if include_retired else None)


def add_reference(api, kind: str, body: dict) -> dict:
    return api.post(S, f"/reference/{kind}", json=body)


def patch_reference(api, kind: str, code: str, body: dict) -> dict:
    return api.patch(S, f"/reference/{kind}/{code}", json=body)


_sessions = Collection(S, "/sessions")
list_sessions, get_session = _sessions.list, _sessions.get
create_session, update_session = _sessions.create, _sessions.update


def delete_session(api, session_id: str) -> None:
    api.delete(S, f"/sessions/{session_id}")


def cancel_session(api, session_id: str, reason: str = "") -> dict:
    return api.post(S, f"/sessions/{session_id}/cancel", json={"reason": reason} if reason else {})


def ship_session(api, session_id: str) -> dict:
    return api.post(S, f"/sessions/{session_id}/ship", json={})


def quote(api, session_id: str) -> dict:
    return api.get(S, f"/sessions/{session_id}/quote")


def submit(api, session_id: str, payment_method: str, billed_to: str) -> dict:
    return api.post(S, f"/sessions/{session_id}/submit",
                    json={"payment_method": payment_method, "billed_to": billed_to})


def participants(api, session_id: str) -> dict:
    return api.get(S, f"/sessions/{session_id}/participants", params={"limit": 200})


def get_participant(api, session_id: str, participant_id: str) -> dict:
    return api.get(S, f"/sessions/{session_id}/participants/{participant_id}")


def add_participant(api, session_id: str, body: dict) -> dict:
    return api.post(S, f"/sessions/{session_id}/participants", json=body)


def update_participant(api, session_id: str, participant_id: str, body: dict) -> dict:
    return api.patch(S, f"/sessions/{session_id}/participants/{participant_id}", json=body)


def delete_participant(api, session_id: str, participant_id: str) -> None:
    api.delete(S, f"/sessions/{session_id}/participants/{participant_id}")


def import_participants(api, session_id: str, filename: str, content: bytes) -> dict:
    return api.post(S, f"/sessions/{session_id}/participants/import",
                    files={"file": (filename or "participants.csv", content, "text/csv")})


def verify_attestation(api, code: str) -> dict:
    return api.get(S, f"/attestations/{code}", auth=False)


def search_participants(api, last_name: str, birth_date: str) -> dict:
    return api.get(S, "/participants", params=given(last_name=last_name, birth_date=birth_date))


def reissue_attestation(api, code: str) -> dict:
    return api.post(S, f"/attestations/{code}/reissue", json={})


def attestation_pdf(api, code: str):
    """One participant's card as PDF (its owner or staff); the raw response, to pass on as it is."""
    return api.get(S, f"/attestations/{code}/pdf", raw=True)


def session_attestations_pdf(api, session_id: str):
    """The printable sheet of a paid request's valid cards (its trainer or staff)."""
    return api.get(S, f"/sessions/{session_id}/attestations.pdf", raw=True)



def stats(api, period: dict) -> dict:
    """Staff figures over ``period`` (``{"from": "YYYY-MM", "to": "YYYY-MM"}``, either may be left out)."""
    return api.get(S, "/stats", params=given(**period))
