"""A real SMTP server for the browser tests: every email the notifier sends goes out over SMTP and lands
here as one ``.eml`` file, and ``Mailbox`` reads them as their recipient would (text and HTML parts,
links, PDF attachments).

The server (aiosmtpd) runs in a process of its own (``python -m tests.browser.mail_catcher PORT FOLDER``),
like a real mail server: inside pytest's process its asyncio thread would take turns on one GIL with the
browser driver. Each file is written under a temporary name then renamed, so a reader never sees half an
email; the names sort in arrival order (``000001-<recipient>.eml``), the same folder layout as the
notifier's own ``NOTIFIER_MAIL_OUTBOX_DIR`` so tests written against that keep working.
"""
from __future__ import annotations

import email
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email import policy
from html.parser import HTMLParser
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+")


class MailCatcher:
    """``with MailCatcher(folder) as catcher:`` an SMTP server on ``127.0.0.1:catcher.port``."""

    def __init__(self, folder: Path, port: int | None = None):
        from stack.local import free_port

        self.folder = Path(folder)
        self.port = port or free_port()
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> MailCatcher:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen([sys.executable, "-m", "tests.browser.mail_catcher", str(self.port),
                                          str(self.folder)], stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
        if self._process.stdout.readline().strip() != "ready":
            self._process.kill()
            raise RuntimeError("the SMTP catcher did not start")
        return self

    def __exit__(self, *_exc) -> None:
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()


# -- reading the emails ---------------------------------------------------------------------------
class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def html_links(html: str) -> list[str]:
    parser = _Hrefs()
    parser.feed(html)
    return parser.hrefs


def text_links(text: str) -> list[str]:
    return [url.rstrip(".,;:!?»") for url in URL_IN_TEXT.findall(text)]


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Email:
    path: Path
    to: str
    subject: str
    template: str
    language: str
    text: str
    html: str
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def links(self) -> list[str]:
        """Every link of both parts, once each, in reading order (``mailto:`` and ``tel:`` included)."""
        seen: dict[str, None] = {}
        for url in text_links(self.text) + html_links(self.html):
            seen.setdefault(url, None)
        return list(seen)

    @property
    def pdfs(self) -> list[Attachment]:
        return [a for a in self.attachments if a.content_type == "application/pdf"]

    def __str__(self) -> str:
        return f"«{self.subject}» to {self.to} ({self.template}, {self.path.name})"


def read_email(path: Path) -> Email:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    attachments = [Attachment(part.get_filename() or "", part.get_content_type(), part.get_payload(decode=True))
                   for part in message.iter_attachments()]
    return Email(path=path, to=email.utils.parseaddr(str(message["To"]))[1].lower(), subject=str(message["Subject"]),
                 template=str(message.get("X-Guichet-Template", "")), language=str(message.get("Content-Language", "")),
                 text=text_part.get_content() if text_part else "", html=html_part.get_content() if html_part else "",
                 attachments=attachments)


class Mailbox:
    """The emails the platform sent, as their recipients receive them."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._cache: dict[Path, Email] = {}

    def all(self) -> list[Email]:
        paths = sorted(self.folder.glob("*.eml")) if self.folder.exists() else []
        for path in paths:
            if path not in self._cache:
                self._cache[path] = read_email(path)
        return [self._cache[path] for path in paths]

    def mark(self) -> int:
        """How many emails arrived so far: ``wait_for(..., after=mark)`` then only looks at later ones."""
        return len(self.all())

    def wait_for(self, to: str, subject: str = "", containing: str = "", template: str = "", after: int = 0,
                 timeout: float = 60) -> Email:
        """The first email to ``to`` (after ``after``) whose subject matches the ``subject`` regex (case
        ignored), whose text contains ``containing`` and, if given, made from the notifier's ``template``;
        polls until it arrives (delivery is asynchronous)."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.all()[after:]:
                if message.to == to.lower() and re.search(subject, message.subject, re.I) \
                        and containing in message.text and template in ("", message.template):
                    return message
            if time.monotonic() > deadline:
                arrived = "\n".join(f"  {m}" for m in self.all()[after:] if m.to == to.lower()) or "  none"
                raise AssertionError(f"no {template or 'email'} to {to} with subject ~ {subject!r} containing "
                                     f"{containing!r} within {timeout:.0f} s; emails to that address:\n{arrived}")
            time.sleep(0.2)


# -- the server process -----------------------------------------------------------------------------
class _Writer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.count = len(list(folder.glob("*.eml")))
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        with self.lock:
            recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", (envelope.rcpt_tos or ["unknown"])[0])[:80]
            self.count += 1
            while list(self.folder.glob(f"{self.count:06d}-*.eml")):     # never two emails with one number
                self.count += 1
            final = self.folder / f"{self.count:06d}-{recipient}.eml"
            partial = final.with_suffix(".part")
            partial.write_bytes(envelope.original_content or envelope.content)
            os.replace(partial, final)
        return "250 Message accepted"


def serve(port: int, folder: Path) -> None:
    from aiosmtpd.controller import Controller

    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(_Writer(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    parent = os.getppid()
    try:
        while os.getppid() == parent:   # the tests' process is gone (killed): so is their mail server
            time.sleep(1)
    finally:
        controller.stop()


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
