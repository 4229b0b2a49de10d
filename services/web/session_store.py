"""Server-side sessions: the API tokens live in the web's own table, the browser only holds a random id.

The Flask cookie (signed, HttpOnly, SameSite=Lax) carries ``sid`` (43 random characters); the row
keyed by the SHA-256 of that id holds the access and refresh tokens, so no page script and no
cookie ever sees a token. ``remember_me`` makes the cookie outlive the browser session.

The tokens and the profile are encrypted at rest (Fernet) with a key derived from both the session
id and the web's secret key (``WEB_SECRET_KEY``): a copy of the table alone, or the table and the
settings, opens nothing; only the browser that holds the cookie lets the server read its own row.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Boolean, DateTime, String, Text, delete, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from chassis.db import Database


class Base(DeclarativeBase):
    pass


class WebSession(Base):
    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    profile_json: Mapped[str] = mapped_column(Text, default="{}")
    portal: Mapped[str] = mapped_column(String(20), default="cards")
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _now() -> datetime:
    return datetime.now(UTC)


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _cipher(sid: str, secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=secret.encode(),
               info=b"guichet web session").derive(sid.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class Login:
    """What a page needs to know about the signed-in person."""
    sid: str
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    portal: str
    must_change_password: bool
    profile: dict = field(default_factory=dict)

    @property
    def roles(self) -> list[str]:
        return list(self.profile.get("roles") or [])

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def display_name(self) -> str:
        return f"{self.profile.get('first_name', '')} {self.profile.get('last_name', '')}".strip()


class SessionStore:
    def __init__(self, db: Database, lifetime: timedelta, secret: str):
        self.db = db
        self.lifetime = lifetime
        self.secret = secret
        try:
            Base.metadata.create_all(db.engine)
        except DBAPIError:  # another worker created the table at the same moment
            Base.metadata.create_all(db.engine)

    def create(self, tokens: dict, profile: dict, portal: str) -> Login:
        sid = secrets.token_urlsafe(32)
        now = _now()
        seal = _cipher(sid, self.secret).encrypt
        row = WebSession(id_hash=_hash(sid), access_token=seal(tokens["access_token"].encode()).decode(),
                         refresh_token=seal(tokens["refresh_token"].encode()).decode(),
                         access_expires_at=now + timedelta(seconds=max(int(tokens.get("expires_in", 60)) - 20, 5)),
                         profile_json=seal(json.dumps(profile).encode()).decode(), portal=portal,
                         must_change_password=bool(tokens.get("must_change_password")),
                         created_at=now, expires_at=now + self.lifetime)
        with self.db.transaction() as session:
            session.add(row)
            session.execute(delete(WebSession).where(WebSession.expires_at < now))
        return Login(sid=sid, access_token=tokens["access_token"], refresh_token=tokens["refresh_token"],
                     access_expires_at=row.access_expires_at, portal=portal,
                     must_change_password=row.must_change_password, profile=profile)

    def load(self, sid: str | None) -> Login | None:
        """The session of ``sid``; None when there is none, it expired, or its row cannot be opened
        (written before encryption, or under another secret key): the person logs in again."""
        if not sid or len(sid) > 100:
            return None
        with self.db.transaction() as session:
            row = session.get(WebSession, _hash(sid))
            if row is None or _aware(row.expires_at) < _now():
                return None
            try:
                return self._login(sid, row)
            except InvalidToken:
                return None

    def save_tokens(self, login: Login, tokens: dict) -> None:
        login.access_token = tokens["access_token"]
        login.refresh_token = tokens.get("refresh_token") or login.refresh_token
        login.access_expires_at = _now() + timedelta(seconds=max(int(tokens.get("expires_in", 60)) - 20, 5))
        with self.db.transaction() as session:
            row = session.get(WebSession, _hash(login.sid))
            if row is not None:
                seal = _cipher(login.sid, self.secret).encrypt
                row.access_token = seal(login.access_token.encode()).decode()
                row.refresh_token = seal(login.refresh_token.encode()).decode()
                row.access_expires_at = login.access_expires_at

    def update(self, login: Login, *, profile: dict | None = None, must_change_password: bool | None = None) -> None:
        with self.db.transaction() as session:
            row = session.get(WebSession, _hash(login.sid))
            if row is None:
                return
            if profile is not None:
                login.profile = profile
                row.profile_json = _cipher(login.sid, self.secret).encrypt(json.dumps(profile).encode()).decode()
            if must_change_password is not None:
                login.must_change_password = must_change_password
                row.must_change_password = must_change_password

    def delete(self, sid: str) -> None:
        with self.db.transaction() as session:
            session.execute(delete(WebSession).where(WebSession.id_hash == _hash(sid)))

    def count(self) -> int:
        with self.db.transaction() as session:
            return len(session.scalars(select(WebSession.id_hash)).all())

    def _login(self, sid: str, row: WebSession) -> Login:
        opened = _cipher(sid, self.secret).decrypt
        return Login(sid=sid, access_token=opened(row.access_token.encode()).decode(),
                     refresh_token=opened(row.refresh_token.encode()).decode(),
                     access_expires_at=_aware(row.access_expires_at), portal=row.portal,
                     must_change_password=row.must_change_password,
                     profile=json.loads(opened(row.profile_json.encode())))
