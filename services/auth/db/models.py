"""The auth service's tables: users, signing keys, refresh tokens, login throttling state, pending
email changes, the security event trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.auth.db.types import UtcDateTime


class Base(DeclarativeBase):
    pass


class User(Base):
    """An account. ``password_hash`` is empty for a trainer who has only a temporary password so far.

    The temporary password (forgot-password, or a new trainer's first one) is stored hashed with
    its expiry; it works for one login only (``temp_password_used_at``), and that login's session
    (``RefreshToken.password_change_required``) only allows changing the password.
    ``must_change_password``: a temporary-password session is pending. A login with the real
    password ends it: the temporary password stops working and those sessions are closed.
    """
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name_key: Mapped[str] = mapped_column(String(100), index=True)
    last_name_key: Mapped[str] = mapped_column(String(100), index=True)
    roles: Mapped[list] = mapped_column(JSON)
    username: Mapped[str | None] = mapped_column(String(16), unique=True, nullable=True)
    card_number: Mapped[str | None] = mapped_column(String(16), unique=True, nullable=True)
    language: Mapped[str] = mapped_column(String(2), default="fr")
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    temp_password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    temp_password_issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    temp_password_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    temp_password_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)  # by staff; None = active
    # Law 25 retention: the last login or refresh (None: not since this column exists; created_at counts),
    # the dormancy warning sent, and when the account was anonymized (its personal fields replaced).
    last_active_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    dormancy_warned_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    anonymized_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class SigningKey(Base):
    """An RS256 key pair. The private key never leaves this table (PEM, encrypted when a passphrase
    is configured); ``public_jwk`` is what the JWKS serves. A key signs while ``retired_at`` is
    empty (the newest signs); after rotation the JWKS keeps it until its last tokens expired."""
    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    public_jwk: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class RefreshToken(Base):
    """An opaque refresh token, stored as its SHA-256. Each use rotates it (``used_at`` set, a new
    row in the same ``family_id``); presenting a used one again revokes the whole family."""
    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember_me: Mapped[bool] = mapped_column(Boolean, default=False)
    # The session was opened with a temporary password: its tokens only allow changing the password.
    password_change_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LoginThrottle(Base):
    """Failed logins per ``scope`` ("account" or "address") and ``key``, shared by every worker."""
    __tablename__ = "login_throttle"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class EmailChange(Base):
    """A change of address asked with the current password (``PATCH /me``). ``users.email`` changes
    only when the single-use link sent to ``new_email`` is followed before ``expires_at``; the link
    sent to ``old_email`` cancels it until ``cancel_expires_at`` (and undoes it if already confirmed).
    Only SHA-256 hashes of the two link tokens are stored. A newer request supersedes a pending one."""
    __tablename__ = "email_changes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), ForeignKey("users.id", ondelete="CASCADE"), index=True)
    old_email: Mapped[str] = mapped_column(String(254))
    new_email: Mapped[str] = mapped_column(String(254))
    new_email_key: Mapped[str] = mapped_column(String(254))
    confirm_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    cancel_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cancel_expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class SecurityEvent(Base):
    """One entry of the security trail: who (``user_id``; empty for a login naming no account), what
    (``kind``), with what ``outcome``, from where (client ``address``) and when. Kept
    ``AUTH_SECURITY_EVENTS_KEEP_DAYS`` (365) days. Never a password or a token in ``details``."""
    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_user_occurred", "user_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    user_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class KnownHouseAdmin(Base):
    """Who administers which production house, as productions' ``house_admin_added`` and
    ``house_admin_removed`` events tell it (auth does not own houses): the user directory is open to
    house administrators. A removal keeps the row (``is_admin`` false) so that an older event
    arriving late changes nothing (``changed_at``: when the latest applied change happened)."""
    __tablename__ = "known_house_admins"

    house_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DirectoryRequestWindow(Base):
    """Type-ahead requests of one caller in the current minute (``GET /users`` rate limit), shared
    by every worker."""
    __tablename__ = "directory_request_windows"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    requests: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """Who did what to an account (anonymizations), written in the change's transaction (chassis.audit).
    ``subject_user_id`` stays the account's id; names never go in ``details`` (the pseudonym does)."""
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    subject_user_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class PersonalDataView(Base):
    """A staff read of someone's personal information (Law 25 "who looked"): auth's own account pages, and
    the other services' reads told by their ``<svc>.personal_data_viewed`` events."""
    __tablename__ = "personal_data_views"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    viewed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    service: Mapped[str] = mapped_column(String(20))
    viewer_id: Mapped[str] = mapped_column(String(64), index=True)
    what: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
