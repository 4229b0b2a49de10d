"""The link checker: every link of every email and PDF the journeys cause, followed as its reader would.

The journeys note who reads what (``LinkLedger.reader``: address, login, password, portal) and the PDFs
they download (``LinkLedger.add_pdf``); the emails come from the mail catcher. ``check`` then opens each
link in a fresh browser context, logs in as the email's recipient when the page asks, and notes every
link that does not land, with status 200, on a page of the email's own portal on the platform's own
host and port. It returns every problem at once.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.browser.mail_catcher import Email, Mailbox, text_links

AQPM, CARDS = "aqpm", "cards"
# The portal of an email, from the notifier's template (password resets: the recipient's portal).
TEMPLATE_PORTAL = {"member_welcome": AQPM, "house_admin_added": AQPM, "access_granted": AQPM,
                   "trainer_account_created": CARDS, "invoice_issued": CARDS, "payment_received": CARDS,
                   "cards_shipped": CARDS}
ASSTSAS_MARKS = ("asstsas", "18003614528", "361-4528")


@dataclass
class Reader:
    address: str
    login: str
    password: str
    portal: str


@dataclass
class Link:
    url: str
    source: str          # where the link was found, for the report
    portal: str | None   # the portal its reader must land on (None: unknown, either)
    reader: Reader | None
    language: str = "fr"


@dataclass
class LinkLedger:
    readers: dict[str, Reader] = field(default_factory=dict)
    pdfs: list[tuple[str, bytes, str | None, str]] = field(default_factory=list)

    def reader(self, address: str, login: str, password: str, portal: str) -> None:
        """Who reads the emails sent to ``address``, and how they log in (the latest password wins)."""
        self.readers[address.lower()] = Reader(address.lower(), login, password, portal)

    def add_pdf(self, source: str, data: bytes, reader_address: str | None, portal: str) -> None:
        assert data.startswith(b"%PDF"), f"{source} is not a PDF"
        self.pdfs.append((source, data, reader_address, portal))

    def email_portal(self, message: Email) -> str | None:
        reader = self.readers.get(message.to)
        return TEMPLATE_PORTAL.get(message.template) or (reader.portal if reader else None)

    def links(self, mailbox: Mailbox) -> list[Link]:
        found: list[Link] = []
        for message in mailbox.all():
            portal, reader = self.email_portal(message), self.readers.get(message.to)
            language = "en" if message.language.startswith("en") else "fr"
            found += [Link(url, f"email {message}", portal, reader, language) for url in message.links]
            for attachment in message.pdfs:
                found += [Link(url, f"PDF {attachment.filename} attached to email {message}", portal, reader,
                               language) for url in pdf_links(attachment.data)]
        for source, data, address, portal in self.pdfs:
            reader = self.readers.get((address or "").lower())
            found += [Link(url, f"PDF {source}", portal, reader) for url in pdf_links(data)]
        return found


def pdf_links(data: bytes) -> list[str]:
    """The URI annotations of every page and the URLs printed in its text, once each."""
    from pypdf import PdfReader

    seen: dict[str, None] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get_object().get("/URI"):
                seen.setdefault(str(action.get_object()["/URI"]), None)
        for url in text_links(page.extract_text() or ""):
            seen.setdefault(url, None)
    return list(seen)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


# -- following one link ----------------------------------------------------------------------------
def _page_portal(page) -> str | None:
    classes = page.locator("body").get_attribute("class") or ""
    found = re.search(r"portal-(\w+)", classes)
    if not found:
        return None
    return AQPM if found.group(1) == AQPM else CARDS          # "cards" and "staff": the ASSTSAS side


def _login_form(page):
    """The login form the page shows, if it is a login page."""
    for selector in ("form[action^='/aqpm/login']", "form:has(input[name='login'])"):
        form = page.locator(selector)
        if form.count() and form.first.is_visible():
            return form.first
    return None


def _log_in(page, form, reader: Reader) -> None:
    form.locator("input[name='login'], input[name='email']").first.fill(reader.login)
    form.locator("input[name='password']").fill(reader.password)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()


def _open(page, url: str):
    """(status, is_html) of ``url`` opened in the page; a document (PDF) is fetched with its cookies."""
    try:
        response = page.goto(url)
    except Exception as error:  # noqa: BLE001 - Chromium downloads a PDF instead of showing it
        if "Download is starting" not in str(error):
            raise
        response = None
    if response is None or not (response.headers.get("content-type") or "").startswith("text/html"):
        fetched = page.context.request.get(url)
        return fetched.status, False
    return response.status, True


class ReaderPages:
    """One browser context per reader and language, opened fresh for the check and logged in on first need."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url, self.pages = browser, base_url, {}

    def page(self, link: Link):
        key = (link.reader.address if link.reader else None, link.language)
        if key not in self.pages:
            context = self.browser.new_context(base_url=self.base_url,
                                               locale="en-CA" if link.language == "en" else "fr-CA")
            context.set_default_timeout(15_000)
            self.pages[key] = context.new_page()
        return self.pages[key]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def follow(readers: ReaderPages, base_url: str, link: Link) -> str | None:
    """None when the link lands where it must, else what is wrong with it."""
    url, platform = link.url, urlsplit(base_url)
    scheme = urlsplit(url).scheme
    if scheme in ("mailto", "tel"):
        if link.portal == AQPM and any(mark in re.sub(r"[ +]", "", url.lower()) for mark in ASSTSAS_MARKS):
            return f"an AQPM document offers ASSTSAS's support: {url}"
        return None
    if scheme not in ("http", "https"):
        return f"not a web link: {url}"
    if (scheme, urlsplit(url).netloc) != (platform.scheme, platform.netloc):
        return f"leaves the platform ({platform.netloc}): {url}"
    page = readers.page(link)
    try:
        status, html = _open(page, url)
        if status >= 400:
            return f"{status} for {url}"
        if not html:
            return None                                     # a document, served
        form = _login_form(page)
        if form is not None:
            if link.portal and _page_portal(page) != link.portal:
                return f"asks to log in on the {_page_portal(page)} portal, not the {link.portal} one: {url}"
            if link.reader is None:
                return None                                 # a login page of the right portal: as far as we can go
            _log_in(page, form, link.reader)
            if _login_form(page) is not None and urlsplit(page.url).path in ("/", "/login", "/aqpm/", "/aqpm/login"):
                return f"the login as {link.reader.login} failed on {page.url} (from {url})"
            status, html = _open(page, url)
            if status != 200:
                return f"{status} after login as {link.reader.login} for {url}"
            if not html:
                return None
        landed = urlsplit(page.url)
        if landed.netloc != platform.netloc:
            return f"redirects off the platform to {page.url} (from {url})"
        if link.portal and _page_portal(page) != link.portal:
            return f"lands on a {_page_portal(page)} page ({landed.path}), not {link.portal}: {url}"
        return None
    except Exception as error:  # noqa: BLE001 - any failure to open it is a bad link, reported with the rest
        return f"could not be opened ({type(error).__name__}: {str(error).splitlines()[0]}): {url}"


def check(browser, base_url: str, links: list[Link]) -> list[str]:
    """Every problem, one line each (each distinct link is followed once per reader and portal)."""
    problems, done = [], set()
    readers = ReaderPages(browser, base_url)
    try:
        for link in links:
            key = (link.url, link.portal, link.reader.address if link.reader else None)
            if key in done:
                continue
            done.add(key)
            problem = follow(readers, base_url, link)
            if problem:
                problems.append(f"{link.source}: {problem}")
    finally:
        readers.close()
    return problems
