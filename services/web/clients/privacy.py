"""Law 25 for staff, over the APIs: what the next retention run anonymizes (cards: trainees; auth: dormant
members' accounts), erasure of a member's account, and the log of staff reads (persons in charge only)."""
from __future__ import annotations


def retention_policy(api, service: str) -> dict:
    """The public retention rule of ``cards`` (trainees) or ``auth`` (dormant accounts)."""
    return api.get(service, "/retention/policy", auth=False)


def trainee_retention(api) -> dict:
    return api.get("cards", "/retention/preview")


def dormant_accounts(api) -> dict:
    return api.get("auth", "/retention/preview")


def erase_member(api, user_id: str) -> dict:
    return api.post("auth", f"/users/{user_id}/erasure")


def access_log(api, offset: int = 0, limit: int = 50) -> dict:
    return api.get("auth", "/privacy/access-log", params={"offset": offset, "limit": limit})
