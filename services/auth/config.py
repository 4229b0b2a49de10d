"""Configuration of the auth service.

Common settings come from ``chassis.config.ServiceConfig.from_env("auth")`` (``AUTH_DATABASE_URL``,
``BUS_URL``, ``TOKEN_ISSUER``, ``TOKEN_AUDIENCE``, ...). Auth's own settings, with their defaults:

- ``AUTH_TRUSTED_PROXIES`` (empty): comma-separated addresses or networks (``127.0.0.1,::1``,
  ``10.89.0.10/32``) of the gateway: only a request whose peer is one of them has its ``X-Forwarded-For``
  believed (the client is the nearest hop that is not a trusted proxy); empty: the header is ignored. It
  replaces ``AUTH_TRUST_PROXY``, which believed the header from anyone
- ``AUTH_KEY_PASSPHRASE`` (empty): encrypts the signing keys at rest; empty stores them unencrypted (a warning
  is logged)
- ``AUTH_ACCESS_TOKEN_TTL_SECONDS`` (``900``): access-token lifetime (15 minutes)
- ``AUTH_REFRESH_TTL_HOURS`` (``12``): refresh-token lifetime without "remember me"
- ``AUTH_REMEMBER_ME_TTL_DAYS`` (``30``): refresh-token lifetime with "remember me"
- ``AUTH_RESET_PASSWORD_TTL_MINUTES`` (``60``): validity of a forgot-password temporary password
- ``AUTH_INITIAL_PASSWORD_TTL_HOURS`` (``72``): validity of a new trainer's first temporary password
- ``AUTH_RESET_COOLDOWN_SECONDS`` (``60``): a second reset for the same account within this delay is silently
  ignored
- ``AUTH_ACCOUNT_MAX_FAILURES`` (``5``): failed logins on one account before a lockout
- ``AUTH_ADDRESS_MAX_FAILURES`` (``20``): failed logins from one client address before a lockout
- ``AUTH_FAILURE_WINDOW_SECONDS`` (``900``): failures older than this are forgotten
- ``AUTH_LOCKOUT_BASE_SECONDS`` (``60``): first lockout; each further lockout doubles it ...
- ``AUTH_LOCKOUT_MAX_SECONDS`` (``900``): ... up to this bound (15 minutes)
- ``AUTH_ACCOUNT_DELAY_AFTER_FAILURES`` (``10``): failed logins on one account, from any address, before each
  further one waits ...
- ``AUTH_ACCOUNT_DELAY_MAX_SECONDS`` (``300``): ... 2, 4, 8 ... seconds, up to this bound; forgotten after
  ``AUTH_FAILURE_WINDOW_SECONDS`` without a failure
- ``AUTH_KNOWN_ADDRESS_DAYS`` (``90``): an address this account logged in from within these days is not slowed
  by the account-wide delay (only by its own lockout)
- ``AUTH_EMAIL_CHANGE_TTL_HOURS`` (``24``): validity of the link that confirms a new email address
- ``AUTH_EMAIL_CHANGE_CANCEL_DAYS`` (``7``): validity of the "this was not me" link sent to the old address
- ``AUTH_SECURITY_EVENTS_KEEP_DAYS`` (``365``): security events older than this are deleted (a bounded delete
  on each write)
- ``AUTH_DIRECTORY_REQUESTS_PER_MINUTE`` (``60``): type-ahead searches (``GET /users``) per caller and minute;
  beyond, 429 with ``Retry-After``
- ``AUTH_DORMANT_ACCOUNT_YEARS`` (``3``): a member's account neither logged in nor refreshed for this many
  years is warned by email, then anonymized (Law 25 retention; ``python -m services.auth.cli retention``)
- ``AUTH_DORMANT_WARNING_DAYS`` (``30``): days between that warning and the anonymization; a login meanwhile
  keeps the account
- ``AUTH_PRIVACY_OFFICERS`` (empty): comma-separated emails of the staff accounts of the persons in charge of
  personal information: they alone read the log of staff reads (``GET /privacy/access-log``)
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from chassis.config import ServiceConfig

SERVICE = "auth"


def load_config(**overrides) -> ServiceConfig:
    return ServiceConfig.from_env(SERVICE, **overrides)


@dataclass(frozen=True)
class AuthSettings:
    trusted_proxies: tuple = field(default_factory=tuple)  # ipaddress networks
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
    account_delay_after_failures: int = 10
    account_delay_max_seconds: int = 300
    known_address_days: int = 90
    email_change_ttl_hours: int = 24
    email_change_cancel_days: int = 7
    security_events_keep_days: int = 365
    directory_requests_per_minute: int = 60
    dormant_account_years: int = 3
    dormant_warning_days: int = 30
    privacy_officers: frozenset = field(default_factory=frozenset)  # normalized emails

    @classmethod
    def from_config(cls, config: ServiceConfig) -> AuthSettings:
        def integer(name: str, default: int) -> int:
            return int(config.setting(name, str(default)))

        return cls(
            trusted_proxies=trusted_proxies(config),
            key_passphrase=config.secret("KEY_PASSPHRASE"),
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
            account_delay_after_failures=integer("ACCOUNT_DELAY_AFTER_FAILURES", cls.account_delay_after_failures),
            account_delay_max_seconds=integer("ACCOUNT_DELAY_MAX_SECONDS", cls.account_delay_max_seconds),
            known_address_days=integer("KNOWN_ADDRESS_DAYS", cls.known_address_days),
            email_change_ttl_hours=integer("EMAIL_CHANGE_TTL_HOURS", cls.email_change_ttl_hours),
            email_change_cancel_days=integer("EMAIL_CHANGE_CANCEL_DAYS", cls.email_change_cancel_days),
            security_events_keep_days=integer("SECURITY_EVENTS_KEEP_DAYS", cls.security_events_keep_days),
            directory_requests_per_minute=integer("DIRECTORY_REQUESTS_PER_MINUTE", cls.directory_requests_per_minute),
            dormant_account_years=integer("DORMANT_ACCOUNT_YEARS", cls.dormant_account_years),
            dormant_warning_days=integer("DORMANT_WARNING_DAYS", cls.dormant_warning_days),
            privacy_officers=frozenset(part.strip().lower() for part in
                                       str(config.setting("PRIVACY_OFFICERS", "") or "").split(",") if part.strip()),
        )


def trusted_proxies(config: ServiceConfig) -> tuple:
    """``AUTH_TRUSTED_PROXIES`` as networks. It replaces ``AUTH_TRUST_PROXY=1``, which believed the
    header from anyone and is no longer read."""
    return parse_networks(str(config.setting("TRUSTED_PROXIES", "") or ""))


def parse_networks(text: str) -> tuple:
    """``"127.0.0.1, 10.0.0.0/8"`` -> networks; a wrong entry stops the service at start-up."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())
