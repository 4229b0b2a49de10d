"""Attestation PDFs, parsed back: what is printed on a card, and where its QR code points."""
from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from services.cards.domain import attestation_pdf
from services.cards.domain.attestation_pdf import CardContent, render_one, render_sheet


def card(index: int = 0, **overrides) -> CardContent:
    values = dict(name=f"Josée Lévesque {index}", activity="PDSB — Principes pour le déplacement sécuritaire des "
                  "bénéficiaires", end_date=date(2026, 11, 20), trainers="Claude Éthier, Marie Tremblay",
                  code=f"ABCD-EFGH-{index:04d}", verification_url=f"https://guichet.exemple.ca/attestations/{index}")
    values.update(overrides)
    return CardContent(**values)


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_one_card_carries_everything_printed():
    [page] = text_of(render_one(card()))
    for expected in ("Josée Lévesque 0", "PDSB — Principes pour le déplacement sécuritaire", "20 novembre 2026",
                     "Claude Éthier, Marie Tremblay", "ABCD-EFGH-0000", "Attestation de formation"):
        assert expected in page
    assert "RÉVOQUÉE" not in page


def test_a_revoked_card_says_so():
    [page] = text_of(render_one(card(revoked=True)))
    assert "RÉVOQUÉE" in page and "REVOKED" not in page


def test_the_sheet_puts_eight_cards_a_page():
    pages = text_of(render_sheet([card(i) for i in range(17)], "Feuille"))
    assert len(pages) == 3
    assert "ABCD-EFGH-0007" in pages[0] and "ABCD-EFGH-0008" in pages[1] and "ABCD-EFGH-0016" in pages[2]


def test_each_qr_code_encodes_its_own_verification_url(monkeypatch):
    drawn = []
    original = attestation_pdf._draw_qr
    monkeypatch.setattr(attestation_pdf, "_draw_qr", lambda canvas, url, x, y: (drawn.append(url),
                                                                               original(canvas, url, x, y)))
    render_sheet([card(i) for i in range(3)], "Feuille")
    assert drawn == [f"https://guichet.exemple.ca/attestations/{i}" for i in range(3)]
