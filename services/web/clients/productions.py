"""The productions service (`/api/productions`): houses, administrators, producers, sheets, SET access."""
from __future__ import annotations

S = "productions"


def users(api, q: str, limit: int = 10) -> dict:
    return api.get(S, "/users", params={"q": q, "limit": limit})


def list_houses(api, **params) -> dict:
    return api.get(S, "/houses", params={k: v for k, v in params.items() if v not in (None, "")})


def get_house(api, house_id: str) -> dict:
    return api.get(S, f"/houses/{house_id}")


def create_house(api, body: dict) -> dict:
    return api.post(S, "/houses", json=body)


def update_house(api, house_id: str, body: dict) -> dict:
    return api.patch(S, f"/houses/{house_id}", json=body)


def add_admin(api, house_id: str, user_id: str, delegate: bool = False) -> dict:
    body = {"user_id": user_id}
    if delegate:
        body["delegate"] = True
    return api.post(S, f"/houses/{house_id}/admins", json=body)


def remove_admin(api, house_id: str, user_id: str) -> dict:
    return api.delete(S, f"/houses/{house_id}/admins/{user_id}")


def list_producers(api, **params) -> dict:
    return api.get(S, "/producers", params={k: v for k, v in params.items() if v not in (None, "")})


def create_producer(api, body: dict) -> dict:
    return api.post(S, "/producers", json=body)


def list_sheets(api, **params) -> dict:
    return api.get(S, "/sheets", params={k: v for k, v in params.items() if v not in (None, "")})


def get_sheet(api, sheet_id: str) -> dict:
    return api.get(S, f"/sheets/{sheet_id}")


def create_sheet(api, body: dict) -> dict:
    return api.post(S, "/sheets", json=body)


def update_sheet(api, sheet_id: str, body: dict) -> dict:
    return api.patch(S, f"/sheets/{sheet_id}", json=body)


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
