"""The invoice PDF drawn before its number is known, then stamped: the same document as one drawn
with the number, a valid PDF, and no draft when the placeholder could be mistaken for other text."""
import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from services.billing.domain.document import DocumentLine, InvoiceDocument, Seller
from services.billing.domain.numbered_pdf import draw_unnumbered, placeholder_for
from services.billing.domain.pdf import render_invoice_pdf

SELLER = Seller(name="ASSTSAS", address=("5100, rue Sherbrooke Est", "Montréal (Québec)  H1V 3R9"),
                contact="Tél. 514 253-6871", bank_details=("Caisse Desjardins", "Compte 0123456"))


def document_for(payment_method="direct_deposit", language="fr", name="CISSS de Laval", pay_url_template=None):
    def build(number: str) -> InvoiceDocument:
        pay_url = pay_url_template.format(number=number) if pay_url_template else None
        return InvoiceDocument(
            number=number, issued_on=date(2026, 3, 2), status="open", language=language,
            payment_method=payment_method, currency="CAD",
            bill_to={"name": name, "attention": "Marie Tremblay", "address": "1515, boulevard Chomedey",
                     "city": "Laval", "postal_code": "H7V 3Y7", "email": "comptes@example.org"},
            lines=(DocumentLine("Cartes PDSB — 2026-02-27", 12, Decimal("2.00"), Decimal("24.00")),),
            total=Decimal("24.00"), amount_paid=Decimal("0.00"), balance=Decimal("24.00"), pay_url=pay_url,
            session_summary="PDSB — CISSS de Laval — 2026-02-27", card_minimum=Decimal("5.00"))
    return build


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    return "\n".join(page.extract_text() for page in reader.pages) + f"\n{reader.metadata.title}"


@pytest.mark.parametrize("payment_method,language,template", [
    ("direct_deposit", "fr", None), ("cheque", "en", None),
    ("credit_card", "fr", "https://guichet.example.org/invoices/{number}"),
])
def test_stamped_pdf_reads_exactly_like_the_pdf_drawn_with_its_number(payment_method, language, template):
    build = document_for(payment_method, language, pay_url_template=template)
    draft = draw_unnumbered(build, SELLER, 2026)
    stamped = draft.numbered("2026-004217")
    assert text_of(stamped) == text_of(render_invoice_pdf(build("2026-004217"), SELLER))
    assert "2026-004217" in text_of(stamped) and placeholder_for(2026) not in text_of(stamped)
    assert len(stamped) == len(draft.data)  # same length: the cross-reference offsets still hold


def test_a_number_of_another_shape_is_refused():
    draft = draw_unnumbered(document_for(), SELLER, 2026)
    with pytest.raises(ValueError):
        draft.numbered("2026-12345")


def test_no_draft_when_the_placeholder_is_typed_in_the_invoice():
    assert draw_unnumbered(document_for(name="Dossier 2026-000000"), SELLER, 2026) is None
    assert draw_unnumbered(document_for(), replace(SELLER, contact="Réf. 2026-000000"), 2026) is None
    assert draw_unnumbered(document_for(name="Dossier 2026-000000"), SELLER, 2027) is not None
