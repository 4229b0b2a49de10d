"""Does a link of an email or a PDF land on a page of the web app, of the right portal?

The real web app (its own SQLite file for sessions; no API call is made for an anonymous visit):
a link is followed as its reader would before logging in. It must answer a page (200) or send to
the login page of its own portal (302 to ``/`` or ``/aqpm/login``, with ``next`` = the link),
never a 404, never the other portal.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from services.web.app import create_app
from services.web.config import load_config

CARDS, PRODUCTIONS = "cards", "productions"
LOGIN_PAGES = {CARDS: ("/", "/login"), PRODUCTIONS: ("/aqpm/login", "/aqpm/")}


def web_app(folder: Path):
    config = load_config(database_url=f"sqlite:///{folder / 'web-links.db'}", secret_key="x" * 48,
                         api_base_url="http://127.0.0.1:9")
    return create_app(config)


def portal_of_path(path: str) -> str:
    return PRODUCTIONS if path == "/aqpm" or path.startswith("/aqpm/") else CARDS


def check_landing(app, url: str, base_url: str, portal: str) -> str:
    """Follows ``url`` anonymously; returns a description of what is wrong, or "" when it lands well."""
    if not url.startswith(base_url.rstrip("/") + "/"):
        return f"{url}: not on the platform ({base_url})"
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if portal_of_path(parts.path) != portal:
        return f"{url}: a page of the other portal"
    response = app.test_client().get(target)
    if response.status_code == 200:
        return ""
    if response.status_code in (301, 302, 303):
        location = urlsplit(response.headers["Location"])
        expected = LOGIN_PAGES[portal]
        if location.path not in expected or parse_qs(location.query).get("next") != [target]:
            return f"{url}: sent to {response.headers['Location']}, not to {expected[0]}?next={target}"
        return ""
    return f"{url}: {response.status_code}"
