"""Configuration of the auth service.

Common settings come from ``chassis.config.ServiceConfig.from_env("auth")`` (``AUTH_DATABASE_URL``,
``BUS_URL``, ``TOKEN_ISSUER``, ``TOKEN_AUDIENCE``, ...). Auth's own settings, with their defaults:

| env var | default | meaning |
|---|---|---|
| ``AUTH_TRUST_PROXY`` | ``0`` | ``1``: the client address is the first ``X-Forwarded-For`` hop (behind the gateway) |
| ``AUTH_KEY_PASSPHRASE`` | empty | encrypts the signing keys at rest; empty stores them unencrypted (a warning is logged) |
| ``AUTH_ACCESS_TOKEN_TTL_SECONDS`` | ``900`` | access-token lifetime (15 minutes) |
| ``AUTH_REFRESH_TTL_HOURS`` | ``12`` | refresh-token lifetime without "remember me" |
| ``AUTH_REMEMBER_ME_TTL_DAYS`` | ``30`` | refresh-token lifetime with "remember me" |
| ``AUTH_RESET_PASSWORD_TTL_MINUTES`` | ``60`` | validity of a forgot-password temporary password |
| ``AUTH_INITIAL_PASSWORD_TTL_HOURS`` | ``72`` | validity of a new trainer's first temporary password |
| ``AUTH_RESET_COOLDOWN_SECONDS`` | ``60`` | a second reset for the same account within this delay is silently ignored |
| ``AUTH_ACCOUNT_MAX_FAILURES`` | ``5`` | failed logins on one account before a lockout |
| ``AUTH_ADDRESS_MAX_FAILURES`` | ``20`` | failed logins from one client address before a lockout |
| ``AUTH_FAILURE_WINDOW_SECONDS`` | ``900`` | failures older than this are forgotten |
| ``AUTH_LOCKOUT_BASE_SECONDS`` | ``60`` | first lockout; each further lockout doubles it ... |
| ``AUTH_LOCKOUT_MAX_SECONDS`` | ``900`` | ... up to this bound (15 minutes) |
"""
from __future__ import annotations

from dataclasses import dataclass

from chassis.config import ServiceConfig

SERVICE = "auth"


def load_config(**overrides) -> ServiceConfig:
    return ServiceConfig.from_env(SERVICE, **overrides)


@dataclass(frozen=True)
class AuthSettings:
    trust_proxy: bool = False
    key_passphrase: str = ""
    access_token_ttl: int = 900
    refresh_ttl_hours: int = 12
    remember_me_ttl_days: int = 30
    reset_password_ttl_minutes: int = 60
    initial_password_ttl_hours: int = 72
    reset_cooldown_seconds: int = 60
    account_max_failures: int = 5
    address_max_failures: int = 20
    failure_window_seconds: int = 900
    lockout_base_seconds: int = 60
    lockout_max_seconds: int = 900

    @classmethod
    def from_config(cls, config: ServiceConfig) -> "AuthSettings":
        def integer(name: str, default: int) -> int:
            return int(config.setting(name, str(default)))

        return cls(
            trust_proxy=str(config.setting("TRUST_PROXY", "0")).lower() in {"1", "true", "yes", "on"},
            key_passphrase=str(config.setting("KEY_PASSPHRASE", "")),
            access_token_ttl=integer("ACCESS_TOKEN_TTL_SECONDS", cls.access_token_ttl),
            refresh_ttl_hours=integer("REFRESH_TTL_HOURS", cls.refresh_ttl_hours),
            remember_me_ttl_days=integer("REMEMBER_ME_TTL_DAYS", cls.remember_me_ttl_days),
            reset_password_ttl_minutes=integer("RESET_PASSWORD_TTL_MINUTES", cls.reset_password_ttl_minutes),
            initial_password_ttl_hours=integer("INITIAL_PASSWORD_TTL_HOURS", cls.initial_password_ttl_hours),
            reset_cooldown_seconds=integer("RESET_COOLDOWN_SECONDS", cls.reset_cooldown_seconds),
            account_max_failures=integer("ACCOUNT_MAX_FAILURES", cls.account_max_failures),
            address_max_failures=integer("ADDRESS_MAX_FAILURES", cls.address_max_failures),
            failure_window_seconds=integer("FAILURE_WINDOW_SECONDS", cls.failure_window_seconds),
            lockout_base_seconds=integer("LOCKOUT_BASE_SECONDS", cls.lockout_base_seconds),
            lockout_max_seconds=integer("LOCKOUT_MAX_SECONDS", cls.lockout_max_seconds),
        )
