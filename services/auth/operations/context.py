"""Everything the auth use cases need, built once per app (or per CLI command)."""
from __future__ import annotations

from dataclasses import dataclass

from chassis.config import ServiceConfig
from chassis.db import Database
from services.auth.config import AuthSettings
from services.auth.domain.lockout import GrowingDelayPolicy, LockoutPolicy
from services.auth.operations import security_events
from services.auth.operations.keys import KeyStore
from services.auth.operations.throttle import Throttle


@dataclass
class AuthContext:
    config: ServiceConfig
    settings: AuthSettings
    db: Database
    keys: KeyStore
    throttle: Throttle

    @classmethod
    def build(cls, config: ServiceConfig, db: Database, settings: AuthSettings | None = None) -> AuthContext:
        settings = settings or AuthSettings.from_config(config)
        account = LockoutPolicy(settings.account_max_failures, settings.failure_window_seconds,
                                settings.lockout_base_seconds, settings.lockout_max_seconds)
        address = LockoutPolicy(settings.address_max_failures, settings.failure_window_seconds,
                                settings.lockout_base_seconds, settings.lockout_max_seconds)
        account_any = GrowingDelayPolicy(settings.account_delay_after_failures, settings.account_delay_max_seconds,
                                         settings.failure_window_seconds)
        security_events.configure(settings.security_events_keep_days)
        return cls(config=config, settings=settings, db=db,
                   keys=KeyStore(db, settings.key_passphrase, settings.access_token_ttl),
                   throttle=Throttle(db, account, address, account_any))
