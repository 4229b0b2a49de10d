"""Settings of the web front end, read from the environment.

| variable | default | meaning |
|---|---|---|
| `WEB_API_BASE_URL` | `PUBLIC_BASE_URL`, else `http://127.0.0.1:8000` | origin of the gateway the pages call |
| `WEB_DATABASE_URL` | `sqlite:///<GUICHET_DATA_DIR>/web.db` | the web's own session table (tokens stay server-side) |
| `WEB_DATABASE_PASSWORD` | none | the password of `WEB_DATABASE_URL`'s user, kept out of the URL |
| `WEB_SECRET_KEY` | random, kept in `<GUICHET_DATA_DIR>/web-secret.key` | signs the session-id cookie and CSRF tokens |
| `WEB_COOKIE_SECURE` | `0` | `1` behind TLS: the session cookie gets `Secure` |
| `WEB_API_TIMEOUT` | `15` | seconds for one API call |
| `WEB_REMEMBER_DAYS` | `30` | cookie lifetime with "Se souvenir de moi" |
| `WEB_INVOICE_WAIT` | `10` | seconds to wait for the invoice after a card submission |
| `WEB_PRIVACY_CARDS_NAME`, `WEB_PRIVACY_CARDS_TITLE` | empty | the ASSTSAS portal's person in charge (see below) |
| `WEB_PRIVACY_CARDS_EMAIL` | `support@asstsas.qc.ca` | their email (the user guide's address) |
| `WEB_PRIVACY_CARDS_PHONE` | `1 800 361-4528` | their phone (the ASSTSAS's toll-free line, from the user guide) |
| `WEB_PRIVACY_CARDS_ADDRESS` | the ASSTSAS head office (invoices') | postal address, lines split by a vertical bar |
| `WEB_PRIVACY_CARDS_URL` | empty | a page of the association's own site about personal information |
| `WEB_PRIVACY_AQPM_NAME`, `_TITLE`, `_EMAIL`, `_PHONE`, `_ADDRESS` | empty | the same for the AQPM portal |
| `WEB_PRIVACY_AQPM_URL` | `https://www.aqpm.ca` | the AQPM's site (from the user guide) |

A secret (`WEB_DATABASE_PASSWORD`, `WEB_SECRET_KEY`) may come from a file instead: `<NAME>_FILE` names it.

`WEB_PRIVACY_*` name the person in charge of the protection of personal information of each portal (Québec's
Law 25) on its privacy page (`/privacy`, `/aqpm/privacy`). Set the person's own name and contact for a real
deployment. Left empty, the page names the association's director general, whom the law puts in charge until
the role is delegated in writing, with the association's general contact points: the ASSTSAS's from its user
guide and invoices; for the AQPM, whose guide gives only its site, that site, and the web logs a warning at start.
"""
from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass, field

from chassis.config import data_dir, env, env_bool, env_int, secret, with_password

# The ASSTSAS head office, as billing prints it on every invoice (BILLING_SELLER_ADDRESS).
ASSTSAS_HEAD_OFFICE = "5100, rue Sherbrooke Est, bureau 950|Montréal (Québec)  H1V 3R9"
_DIALLED = re.compile(r"^[\d\s().+-]+")  # the number before any extension ("514 253-6871, poste 246")


@dataclass(frozen=True)
class PrivacyOfficer:
    """Who answers for a portal's personal information, and how to reach them. An empty ``name``: nobody
    was delegated, and the law puts the association's highest authority in charge (its page says so)."""
    name: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    address: tuple[str, ...] = ()
    url: str = ""

    @property
    def tel(self) -> str:
        """``1 800 361-4528`` -> ``+18003614528`` for a ``tel:`` link (North American numbers)."""
        dialled = _DIALLED.match(self.phone)
        digits = re.sub(r"\D", "", dialled.group(0)) if dialled else ""
        return f"+1{digits}" if len(digits) == 10 else f"+{digits}" if digits else ""

    @property
    def reachable(self) -> bool:
        return bool(self.email or self.phone or self.address)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split("|") if line.strip())


def _privacy_cards() -> PrivacyOfficer:
    return PrivacyOfficer(name=env("WEB_PRIVACY_CARDS_NAME", ""), title=env("WEB_PRIVACY_CARDS_TITLE", ""),
                          email=env("WEB_PRIVACY_CARDS_EMAIL", "support@asstsas.qc.ca"),
                          phone=env("WEB_PRIVACY_CARDS_PHONE", "1 800 361-4528"),
                          address=_lines(env("WEB_PRIVACY_CARDS_ADDRESS", ASSTSAS_HEAD_OFFICE)),
                          url=env("WEB_PRIVACY_CARDS_URL", ""))


def _privacy_aqpm() -> PrivacyOfficer:
    return PrivacyOfficer(name=env("WEB_PRIVACY_AQPM_NAME", ""), title=env("WEB_PRIVACY_AQPM_TITLE", ""),
                          email=env("WEB_PRIVACY_AQPM_EMAIL", ""), phone=env("WEB_PRIVACY_AQPM_PHONE", ""),
                          address=_lines(env("WEB_PRIVACY_AQPM_ADDRESS", "")),
                          url=env("WEB_PRIVACY_AQPM_URL", "https://www.aqpm.ca"))


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
    privacy_cards: PrivacyOfficer = field(default_factory=PrivacyOfficer)
    privacy_aqpm: PrivacyOfficer = field(default_factory=PrivacyOfficer)


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
        privacy_cards=_privacy_cards(),
        privacy_aqpm=_privacy_aqpm(),
    )
    values.update(overrides)
    return WebConfig(**values)
