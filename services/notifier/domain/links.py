"""Where the links of an email go: the pages of the web app (``services/web``), each on its own portal.

ASSTSAS (portal ``cards``) lives at the root of the site, AQPM (portal ``productions``) under
``/aqpm/``: an email of one portal never sends its reader to the other's login page. A page that
needs a login sends an anonymous reader to the login of its own portal, then back to the page.
"""
from __future__ import annotations

from urllib.parse import quote

from services.notifier.domain.portals import CARDS, PRODUCTIONS

# The login page of each portal (services/web/account/views.py "/", services/web/portal_productions/entry.py "/aqpm/").
PORTAL_HOMES = {CARDS: "/", PRODUCTIONS: "/aqpm/"}


class Links:
    def __init__(self, public_base_url: str):
        self.base = public_base_url.rstrip("/")

    def _at(self, path: str) -> str:
        return self.base + path

    def home(self, portal: str) -> str:
        """The portal's entry (login) page."""
        return self._at(PORTAL_HOMES.get(portal, PORTAL_HOMES[CARDS]))

    def session(self, session_id: str) -> str:
        return self._at(f"/sessions/{_segment(session_id)}")

    def invoice(self, invoice_id: str) -> str:
        return self._at(f"/invoices/{_segment(invoice_id)}")

    def house(self, house_id: str) -> str:
        return self._at(f"/aqpm/houses/{_segment(house_id)}")

    def sheet(self, sheet_id: str) -> str:
        return self._at(f"/aqpm/sheets/{_segment(sheet_id)}")

    # The pages of an email change (services/web/account/email_change.py), on the person's portal and
    # open without a login; the email appends the link's token (a secret, never stored in clear here).
    def email_change_confirm(self, portal: str) -> str:
        return self._at(_portal_prefix(portal) + "/email/confirm/")

    def email_change_cancel(self, portal: str) -> str:
        return self._at(_portal_prefix(portal) + "/email/cancel/")

    # The page of a data export's download (services/web/account/data_export.py), on the recipient's portal,
    # behind a login; the email appends the link's token (sealed like a temporary password).
    def data_export(self, portal: str) -> str:
        return self._at(_portal_prefix(portal) + "/account/data-export/")


def _portal_prefix(portal: str) -> str:
    return "/aqpm" if portal == PRODUCTIONS else ""


def _segment(value: str) -> str:
    return quote(str(value), safe="")
