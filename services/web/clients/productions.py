"""The productions service (`/api/productions`): houses, administrators, producers, sheets, SET access."""
from __future__ import annotations

from services.web.clients.collection import Collection, given

S = "productions"


def users(api, q: str, limit: int = 10) -> dict:
    return api.get(S, "/users", params={"q": q, "limit": limit})


_houses = Collection(S, "/houses")
list_houses, get_house, create_house, update_house = _houses.list, _houses.get, _houses.create, _houses.update


def add_admin(api, house_id: str, user_id: str, delegate: bool = False) -> dict:
    body = {"user_id": user_id}
    if delegate:
        body["delegate"] = True
    return api.post(S, f"/houses/{house_id}/admins", json=body)


def remove_admin(api, house_id: str, user_id: str) -> dict:
    return api.delete(S, f"/houses/{house_id}/admins/{user_id}")


_producers = Collection(S, "/producers")
list_producers, create_producer = _producers.list, _producers.create


_sheets = Collection(S, "/sheets")
list_sheets, get_sheet, create_sheet, update_sheet = _sheets.list, _sheets.get, _sheets.create, _sheets.update


def list_access(api, sheet_id: str) -> dict:
    return api.get(S, f"/sheets/{sheet_id}/access", params={"limit": 200})


def grant_access(api, sheet_id: str, user_id: str) -> dict:
    return api.post(S, f"/sheets/{sheet_id}/access", json={"user_id": user_id})


def revoke_access(api, sheet_id: str, user_id: str) -> None:
    api.delete(S, f"/sheets/{sheet_id}/access/{user_id}")


def set_access(api, sheet_id: str) -> dict:
    return api.post(S, f"/sheets/{sheet_id}/set-access", json={})


def verify_handoff(api, token: str) -> dict:
    return api.post(S, "/set/handoffs/verify", json={"token": token}, auth=False)


def stats(api, period: dict) -> dict:
    """Sheets, hand-offs to SET and active houses by month (``period``: ``{"from": ..., "to": ...}``)."""
    return api.get(S, "/stats", params=given(**period))
