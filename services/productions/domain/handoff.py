"""The SET hand-off token's claims (P7): who goes to SET, for which production, until when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit


@dataclass(frozen=True)
class HandoffSubject:
    user_id: str
    first_name: str
    last_name: str
    email: str
    sheet_id: str
    sheet_title: str
    house_id: str
    house_name: str


def handoff_claims(subject: HandoffSubject, *, jti: str, issuer: str, audience: str, issued_at: datetime,
                   ttl_seconds: int) -> dict:
    issued = int(issued_at.timestamp())
    return {
        "iss": issuer,
        "aud": audience,
        "sub": subject.user_id,
        "jti": jti,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
        "name": f"{subject.first_name} {subject.last_name}".strip(),
        "given_name": subject.first_name,
        "family_name": subject.last_name,
        "email": subject.email,
        "production": {"id": subject.sheet_id, "title": subject.sheet_title},
        "house": {"id": subject.house_id, "name": subject.house_name},
    }


def expiry(issued_at: datetime, ttl_seconds: int) -> datetime:
    return issued_at.replace(microsecond=0) + timedelta(seconds=ttl_seconds)


def redirect_url(set_url: str, token: str) -> str:
    """``{SET_URL}?token=...``, keeping any query string the SET address already has."""
    parts = urlsplit(set_url)
    query = f"{parts.query}&{urlencode({'token': token})}" if parts.query else urlencode({"token": token})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
