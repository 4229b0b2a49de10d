"""Attestations as PDF (X3): one card per participant, or a printable sheet of a session's cards.

Each card is the size of a wallet card (85.6 x 54 mm) and carries the participant's name, the
activity, the date, the trainers, the verification code and a QR code to the public page. The words are
French or English, in the request's language (``CardContent.language``), through the cards catalogue.
Importing this module loads reportlab (about 18 MiB): the API imports it on the first PDF asked for.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from chassis.i18n import Catalogue, _, format_date, speaking

CARD_WIDTH, CARD_HEIGHT = 85.6 * mm, 54 * mm
QR_SIZE = 22 * mm
QR_QUIET_ZONE = 2  # modules of white around the code
COLUMNS, ROWS = 2, 4
MARGIN_X = (LETTER[0] - COLUMNS * CARD_WIDTH) / (COLUMNS + 1)
MARGIN_Y = (LETTER[1] - ROWS * CARD_HEIGHT) / (ROWS + 1)
CATALOGUE = Catalogue.of_service("cards")


@dataclass(frozen=True)
class CardContent:
    name: str
    activity: str
    end_date: date
    trainers: str
    code: str
    verification_url: str
    revoked: bool = False
    language: str = "fr"


def _draw_qr(canvas: Canvas, url: str, x: float, y: float) -> None:
    """The QR code as one filled path (reportlab's encoder; several times faster than its widget)."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(url)
    qr.make()
    count = qr.getModuleCount()
    module = QR_SIZE / (count + 2 * QR_QUIET_ZONE)
    path = canvas.beginPath()
    for row in range(count):
        top = y + QR_SIZE - (row + 1 + QR_QUIET_ZONE) * module
        column = 0
        while column < count:  # one rectangle per run of dark modules in the row
            if not qr.isDark(row, column):
                column += 1
                continue
            start = column
            while column < count and qr.isDark(row, column):
                column += 1
            path.rect(x + (start + QR_QUIET_ZONE) * module, top, (column - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)


def draw_card(canvas: Canvas, card: CardContent, x: float, y: float) -> None:
    with speaking(card.language, CATALOGUE):
        _draw_card(canvas, card, x, y)


def _draw_card(canvas: Canvas, card: CardContent, x: float, y: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.6)
    canvas.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, 3 * mm)
    left, top = x + 4 * mm, y + CARD_HEIGHT - 6 * mm
    canvas.setFont("Helvetica-Bold", 7)
    canvas.drawString(left, top, _("ASSTSAS — Attestation de formation"))
    canvas.setFont("Helvetica-Bold", 10)
    text_width = CARD_WIDTH - QR_SIZE - 10 * mm
    line_y = top - 8.5 * mm
    for line in simpleSplit(card.name, "Helvetica-Bold", 10, text_width)[:2]:
        canvas.drawString(left, line_y, line)
        line_y -= 4 * mm
    canvas.setFont("Helvetica", 6.5)
    for line in simpleSplit(card.activity, "Helvetica", 6.5, text_width)[:3]:
        canvas.drawString(left, line_y, line)
        line_y -= 2.8 * mm
    canvas.drawString(left, line_y - 1 * mm, _("Date : %(date)s", date=format_date(card.end_date)))
    for line in simpleSplit(_("Formateur(s) : %(names)s", names=card.trainers), "Helvetica", 6.5, text_width)[:2]:
        line_y -= 2.8 * mm
        canvas.drawString(left, line_y - 1 * mm, line)
    canvas.setFont("Courier-Bold", 8)
    canvas.drawString(left, y + 4 * mm, _("Code : %(code)s", code=card.code))
    _draw_qr(canvas, card.verification_url, x + CARD_WIDTH - QR_SIZE - 3 * mm, y + CARD_HEIGHT - QR_SIZE - 9 * mm)
    canvas.setFont("Helvetica", 5)
    canvas.drawCentredString(x + CARD_WIDTH - QR_SIZE / 2 - 3 * mm, y + CARD_HEIGHT - QR_SIZE - 11.5 * mm,
                             _("Vérifier"))
    if card.revoked:
        canvas.setFont("Helvetica-Bold", 16)
        canvas.setFillGray(0.5)
        canvas.drawCentredString(x + CARD_WIDTH / 2, y + CARD_HEIGHT / 2, _("RÉVOQUÉE"))
    canvas.restoreState()


def render_sheet(cards: list[CardContent], title: str) -> bytes:
    """All cards of a session, eight to a letter page, ready to print and cut."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("Guichet — ASSTSAS")
    per_page = COLUMNS * ROWS
    for index, card in enumerate(cards):
        slot = index % per_page
        if index and slot == 0:
            canvas.showPage()
        column, row = slot % COLUMNS, slot // COLUMNS
        x = MARGIN_X + column * (CARD_WIDTH + MARGIN_X)
        y = LETTER[1] - (row + 1) * (CARD_HEIGHT + MARGIN_Y)
        draw_card(canvas, card, x, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_one(card: CardContent) -> bytes:
    return render_sheet([card], f"Attestation {card.code}")
