"""Settings of the web front end, read from the environment.

| variable | default | meaning |
|---|---|---|
| `WEB_API_BASE_URL` | `PUBLIC_BASE_URL`, else `http://127.0.0.1:8000` | origin of the gateway the pages call |
| `WEB_DATABASE_URL` | `sqlite:///<GUICHET_DATA_DIR>/web.db` | the web's own session table (tokens stay server-side) |
| `WEB_DATABASE_PASSWORD` | none | the password of `WEB_DATABASE_URL`'s user, kept out of the URL |
| `WEB_SECRET_KEY` | random, kept in `<GUICHET_DATA_DIR>/web-secret.key` | signs the session-id cookie and CSRF tokens |

A secret (`WEB_DATABASE_PASSWORD`, `WEB_SECRET_KEY`) may come from a file instead: `<NAME>_FILE` names it.
| `WEB_COOKIE_SECURE` | `0` | `1` behind TLS: the session cookie gets `Secure` |
| `WEB_API_TIMEOUT` | `15` | seconds for one API call |
| `WEB_REMEMBER_DAYS` | `30` | cookie lifetime with "Se souvenir de moi" |
| `WEB_INVOICE_WAIT` | `10` | seconds to wait for the invoice after a card submission |
"""
from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass

from chassis.config import data_dir, env, env_bool, env_int, secret, with_password


@dataclass(frozen=True)
class WebConfig:
    api_base_url: str
    database_url: str
    secret_key: str
    cookie_secure: bool = False
    api_timeout: int = 15
    remember_days: int = 30
    invoice_wait: int = 10
    log_level: str = "INFO"


def _secret_key() -> str:
    given = secret("WEB_SECRET_KEY")
    if given:
        return given
    path = data_dir() / "web-secret.key"
    try:  # O_EXCL: when several workers start at once, exactly one writes the key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.05)
    raise RuntimeError(f"{path} is empty")


def load_config(**overrides) -> WebConfig:
    base = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    values = dict(
        api_base_url=env("WEB_API_BASE_URL", base).rstrip("/"),
        database_url=with_password(env("WEB_DATABASE_URL", f"sqlite:///{data_dir() / 'web.db'}"),
                                   "WEB_DATABASE_PASSWORD"),
        secret_key=_secret_key(),
        cookie_secure=env_bool("WEB_COOKIE_SECURE", False),
        api_timeout=env_int("WEB_API_TIMEOUT", 15),
        remember_days=env_int("WEB_REMEMBER_DAYS", 30),
        invoice_wait=env_int("WEB_INVOICE_WAIT", 10),
        log_level=env("LOG_LEVEL", "INFO"),
    )
    values.update(overrides)
    return WebConfig(**values)
