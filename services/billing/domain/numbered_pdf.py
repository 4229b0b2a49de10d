"""An invoice PDF drawn before its number is known, numbered afterwards in microseconds.

Invoice numbers are taken at the very end of the invoice's transaction, under the year's counter
row lock (``operations.numbering``): the workers take turns there. Drawing the PDF (a few ms of
reportlab) must not happen in that turn, yet the PDF shows the number. So the PDF is drawn first
with a placeholder shaped like every number of the year, ``YYYY-000000`` (sequence 0 is never
given), its page left uncompressed, and the placeholder's bytes are replaced by the number once it
is known. A number and its placeholder have the same length and the same widths (the digits of
Helvetica and Helvetica-Bold are all 556/1000 em wide; reportlab never breaks a line inside a
word), so the line breaks and the byte offsets of the PDF's cross-reference table do not change.

When the placeholder could be mistaken for other text of the invoice (someone typed it in a
bill-to field, say), no draft is made (``None``): the caller draws the PDF with the number.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass

from services.billing.domain.document import InvoiceDocument, Seller
from services.billing.domain.pdf import render_invoice_pdf

PLACEHOLDER_SEQUENCE = "000000"


def placeholder_for(year: int) -> str:
    return f"{year:04d}-{PLACEHOLDER_SEQUENCE}"


@dataclass(frozen=True)
class UnnumberedPdf:
    placeholder: str
    data: bytes

    def numbered(self, number: str) -> bytes:
        """The PDF showing ``number`` wherever it shows the placeholder."""
        if len(number) != len(self.placeholder) or not number.isascii():
            raise ValueError(f"{number!r} does not fit the placeholder {self.placeholder!r}")
        return self.data.replace(self.placeholder.encode("ascii"), number.encode("ascii"))


def draw_unnumbered(document_for: Callable[[str], InvoiceDocument], seller: Seller,
                    year: int) -> UnnumberedPdf | None:
    """``document_for(number)`` is the invoice's document showing ``number`` (title, reference,
    pay link...). None when the placeholder also appears in the text of the unnumbered document."""
    placeholder = placeholder_for(year)
    if placeholder in "\n".join(_texts(document_for(""))) or placeholder in "\n".join(_texts(seller)):
        return None
    data = render_invoice_pdf(document_for(placeholder), seller, compress=False)
    if placeholder.encode("ascii") not in data:  # the renderer no longer writes text as it is
        return None
    return UnnumberedPdf(placeholder, data)


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if is_dataclass(value):
        return [text for field in fields(value) for text in _texts(getattr(value, field.name))]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _texts(item)]
    return []
