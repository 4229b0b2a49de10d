"""Browser tests: Playwright driving Debian's headless Chromium against a whole running platform.

The platform under test, chosen by ``GUICHET_BROWSER_STACK``:
- ``local`` (default when nginx, PostgreSQL and RabbitMQ are there): ``stack.local`` — real nginx in
  front of gunicorn per service, workers and relays, own databases and exchange;
- ``embedded`` (fallback): ``python -m stack.embedded`` as a subprocess on a free port, SQLite in a tmp dir;
- ``GUICHET_BROWSER_BASE_URL=http://...`` uses a platform already running (its demo password in
  ``GUICHET_DEMO_PASSWORD``; the folder its emails land in, if any, in ``GUICHET_BROWSER_MAIL_DIR``).
With ``stack.local`` the notifier sends real SMTP to a catcher (``tests/browser/mail_catcher.py``) that
keeps each email as a ``.eml`` file in ``<data dir>/mail-outbox``; the ``mailbox`` fixture reads them.
Screenshots of the main pages go to ``tests/browser/artifacts/``.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.browser.mail_catcher import Mailbox, MailCatcher
from tests.infra import missing

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DEMO_PASSWORD = "Browser-demo-pass-2026"
# Debian's build of Chromium's own headless browser (package chromium-headless-shell, the same Chromium release and
# Blink as package chromium): the full browser's "new headless" mode runs its desktop shell besides (a GPU process,
# the top-chrome WebUI renderer, Debian's desktop flags) and cost a third more time on the same tests, the
# browser group being the test run's longest. GUICHET_CHROMIUM=/usr/bin/chromium walks the pages in the full one.
CHROMIUM = os.environ.get("GUICHET_CHROMIUM", "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Platform:
    def __init__(self, base_url: str, password: str, data_dir: Path | None, kind: str,
                 mail_dir: Path | None = None):
        self.base_url = base_url.rstrip("/")
        self.password = password
        self.data_dir = data_dir
        self.kind = kind
        self.mail_dir = mail_dir  # where the emails it sends arrive, one .eml file each

    def url(self, path: str) -> str:
        return self.base_url + path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base_url: str, process: subprocess.Popen | None, log: Path | None, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"platform exited ({process.returncode}):\n{log.read_text()[-3000:] if log else ''}")
        try:
            if requests.get(base_url + "/", timeout=2).status_code == 200 and \
                    requests.get(base_url + "/api/auth/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"platform not up after {timeout:.0f} s")


def _local_stack_possible() -> bool:
    try:
        from stack.gateway import nginx_binary
        from tests.infra import fresh_database, rabbitmq_url
        if nginx_binary() is None:
            return False
        rabbitmq_url()
        fresh_database("browser_probe")
        return True
    except BaseException:  # noqa: BLE001 - pytest.skip is a BaseException; any failure means "not here"
        return False


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    given = os.environ.get("GUICHET_BROWSER_BASE_URL")
    if given:
        mail_dir = os.environ.get("GUICHET_BROWSER_MAIL_DIR")
        yield Platform(given, os.environ.get("GUICHET_DEMO_PASSWORD", DEMO_PASSWORD), None, "external",
                       Path(mail_dir) if mail_dir else None)
        return
    kind = os.environ.get("GUICHET_BROWSER_STACK") or ("local" if _local_stack_possible() else "embedded")
    if kind == "local":
        yield from _local_platform(tmp_path_factory)
    else:
        yield from _embedded_platform(tmp_path_factory)


def _embedded_platform(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("browser-platform")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # No PRODUCTIONS_SET_URL: the hand-off's embedded default must follow the platform's own address.
    env = {**os.environ, "PORT": str(port), "GUICHET_DATA_DIR": str(data_dir), "GUICHET_DEMO_PASSWORD": DEMO_PASSWORD,
           "PUBLIC_BASE_URL": base, "WEB_API_BASE_URL": base, "PYTHONUNBUFFERED": "1"}
    env.pop("PRODUCTIONS_SET_URL", None)
    log = data_dir / "platform.log"
    with open(log, "w") as output:
        process = subprocess.Popen([sys.executable, "-m", "stack.embedded"], cwd=REPO_ROOT, env=env,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(base, process, log)
        _wait_for_demo_accounts(base)
        yield Platform(base, DEMO_PASSWORD, data_dir, "embedded", data_dir / "mail-outbox")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _local_platform(tmp_path_factory):
    from stack.local import start
    from tests.infra import stack_database_prefix, unique_exchange

    data_dir = tmp_path_factory.mktemp("browser-local")
    mail_dir = data_dir / "mail-outbox"
    with MailCatcher(mail_dir) as catcher:
        # The notifier sends real SMTP to the catcher. The forgotten-password journeys ask twice in a row,
        # for accounts created a moment before: the 60 s between two temporary passwords (tested in
        # tests/auth) would silently drop the second. A disabled account is refused by each service
        # within ACCOUNT_STATUS_REFRESH_SECONDS (30 in production): 5 keeps the walk short.
        # Every person of these tests comes from 127.0.0.1: the gateway's login limit (10 a minute per
        # address, tested in tests/gateway) would refuse the logins of the suite's many people.
        stack = start(data_dir, database_prefix=stack_database_prefix("browser"),
                      exchange=unique_exchange("browser"), demo_password=DEMO_PASSWORD,
                      gateway_settings={"GATEWAY_LOGIN_RATE": "600r/m", "GATEWAY_LOGIN_BURST": "100"},
                      settings={"NOTIFIER_SMTP_HOST": "127.0.0.1", "NOTIFIER_SMTP_PORT": str(catcher.port),
                                "AUTH_RESET_COOLDOWN_SECONDS": "1", "ACCOUNT_STATUS_REFRESH_SECONDS": "5"})
        try:
            _wait_for_demo_accounts(stack.base_url)
            yield Platform(stack.base_url, DEMO_PASSWORD, data_dir, "local", mail_dir)
        finally:
            stack.stop()
            stack.delete_bus_objects()


def _wait_for_demo_accounts(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = requests.post(base + "/api/auth/login", json={"login": "ethc123", "password": DEMO_PASSWORD},
                                 timeout=5)
        if response.status_code == 200:
            return
        time.sleep(0.5)
    raise RuntimeError("demo accounts not created")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is not installed (deploy/dev/ensure-infra.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


# The demo accounts the scenarios sign in as (services/auth/operations/demo_accounts.py).
DEMO_LOGINS = ("ethc123", "staff@asstsas.demo", "staff@aqpm.demo", "membre@aqpm.demo")


def speak_french_again(platform) -> None:
    """The FR/EN switch of a signed-in person saves the language in their profile: a scenario that switched
    a demo account to English puts it back, or the next scenario signing in as it would read English."""
    for login in DEMO_LOGINS:
        signed = requests.post(platform.url("/api/auth/login"), json={"login": login, "password": platform.password},
                               timeout=15)
        if signed.status_code != 200:
            continue
        headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        me = requests.get(platform.url("/api/auth/me"), headers=headers, timeout=15).json()
        if me.get("language") != "fr":
            requests.patch(platform.url("/api/auth/me"), headers=headers, json={"language": "fr"}, timeout=15)


@pytest.fixture
def new_page(browser, platform):
    """``new_page(width=1280)`` -> a page in a fresh browser context (its own cookies), French by default
    (the browser asks for fr-CA; ``locale="en-CA"`` for an English browser); more keywords go to
    Playwright's ``new_context`` (``bypass_csp=True`` lets a test inject a script)."""
    contexts, switched = [], set()

    def make(width: int = 1280, height: int = 900, **context_options):
        context_options.setdefault("locale", "fr-CA")
        context = browser.new_context(base_url=platform.base_url, viewport={"width": width, "height": height},
                                      **context_options)
        context.set_default_timeout(15_000)
        context.on("request", lambda request: switched.add(context) if "/lang/en" in request.url else None)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        if context in switched:  # whoever is still signed in there gets French back in their profile
            try:
                context.request.get(platform.url("/lang/fr?next=/healthz"))
            except Exception:  # noqa: BLE001 - a context the test already broke; the demo accounts follow
                pass
        context.close()
    if switched:
        speak_french_again(platform)


@pytest.fixture(scope="session")
def mailbox(platform) -> Mailbox:
    """The emails the platform sent: ``mailbox.wait_for(to, subject=...)`` -> an ``Email`` (text, HTML,
    links, PDF attachments)."""
    if platform.mail_dir is None:
        pytest.skip("this platform's emails are not reachable (set GUICHET_BROWSER_MAIL_DIR)")
    return Mailbox(platform.mail_dir)


def shot(page, name: str) -> None:
    """Keeps a full-page screenshot of the current page as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def unique(prefix: str) -> str:
    return f"{prefix}{int(time.time() * 1000) % 10_000_000}"


def no_english_half(text: str) -> bool:
    """True when no bilingual "Texte. / Text." message leaked into a French page."""
    return re.search(r"\. / [A-Z]", text) is None
