"""Settings of the productions service (env ``PRODUCTIONS_<NAME>``, see README.md)."""
from __future__ import annotations

from chassis.config import ServiceConfig

SERVICE = "productions"
# The embedded SET stand-in is a page of the platform itself: by default the hand-off goes to this
# platform's own public address (PUBLIC_BASE_URL), whatever port it runs on.
SET_DEMO_PATH = "/set-demo"
DEFAULT_HANDOFF_TTL_SECONDS = 120
DEFAULT_HANDOFF_ISSUER = "guichet-productions"
HANDOFF_AUDIENCE = "set"


def load_config(**overrides) -> ServiceConfig:
    return ServiceConfig.from_env(SERVICE, **overrides)


def set_url(config: ServiceConfig) -> str:
    """The external SET address the hand-off redirects to (``PRODUCTIONS_SET_URL``); without it, the
    platform's own demo page ``{PUBLIC_BASE_URL}/set-demo``."""
    return config.setting("SET_URL", "") or default_set_url(config)


def default_set_url(config: ServiceConfig) -> str:
    return config.public_base_url.rstrip("/") + SET_DEMO_PATH


def handoff_ttl_seconds(config: ServiceConfig) -> int:
    """Lifetime of a SET hand-off token (``PRODUCTIONS_HANDOFF_TTL_SECONDS``, 2 minutes)."""
    return int(config.setting("HANDOFF_TTL_SECONDS", str(DEFAULT_HANDOFF_TTL_SECONDS)))


def handoff_issuer(config: ServiceConfig) -> str:
    """``iss`` of the hand-off tokens (``PRODUCTIONS_HANDOFF_ISSUER``)."""
    return config.setting("HANDOFF_ISSUER", DEFAULT_HANDOFF_ISSUER)


def key_passphrase(config: ServiceConfig) -> bytes | None:
    """Optional passphrase encrypting the stored private signing keys (``PRODUCTIONS_KEY_PASSPHRASE``)."""
    value = config.secret("KEY_PASSPHRASE")
    return value.encode() if value else None
