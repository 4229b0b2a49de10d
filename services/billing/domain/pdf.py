"""The invoice PDF (X3), drawn with reportlab: one page, standard fonts, compressed (a few KB).

Its words, money and dates are in the invoice's language (``InvoiceDocument.language``), through the billing
catalogue. Importing this module loads reportlab (about 18 MiB): callers import it on the first invoice drawn.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from chassis.i18n import N_, Catalogue, _, format_date, format_money, speaking
from services.billing.domain.document import InvoiceDocument, Seller

CATALOGUE = Catalogue.of_service("billing")
STATUSES = {"open": N_("À payer"), "paid": N_("Payée"), "void": N_("Annulée")}
HOW_TO_PAY = {
    "cheque": N_("Paiement par chèque : libellez le chèque à l'ordre de %(seller)s et inscrivez-y "
                 "obligatoirement le numéro de facture %(number)s. Postez-le à l'adresse du vendeur ci-dessus."),
    "direct_deposit": N_("Dépôt direct : versez le solde au compte ci-dessous et indiquez le numéro de facture "
                         "%(number)s comme référence du dépôt."),
    "credit_card": N_("Carte de crédit : payez en ligne à l'adresse ci-dessous (solde minimal de %(minimum)s). "
                      "Les données de votre carte ne sont jamais conservées."),
}

LEFT = 20 * mm
RIGHT = LETTER[0] - 20 * mm
WIDTH = RIGHT - LEFT


def _split(text: str, font: str, size: float, width: float) -> list[str]:
    """``simpleSplit(text, font, size, width)``: the lines of ``text`` no wider than ``width``. Most lines of an
    invoice fit whole: one width of the text, not one per word (reportlab's splitting was a fifth of the PDF)."""
    if text and "\n" not in text and " ".join(text.split()) == text and stringWidth(text, font, size) <= width - 0.001:
        return [text]  # what simpleSplit gives when the words fit (a margin for its float sums)
    return simpleSplit(text, font, size, width)


class _Writer:
    def __init__(self, canvas: Canvas, y: float):
        self.canvas, self.y = canvas, y

    def line(self, text: str, font: str = "Helvetica", size: float = 10, x: float = LEFT, gap: float = 4.2 * mm):
        self.canvas.setFont(font, size)
        for part in _split(text, font, size, RIGHT - x) or [""]:
            self.canvas.drawString(x, self.y, part)
            self.y -= gap

    def skip(self, space: float = 3 * mm):
        self.y -= space


def render_invoice_pdf(document: InvoiceDocument, seller: Seller, compress: bool = True) -> bytes:
    """The PDF of ``document``; ``compress=False`` leaves the page's text as it is written (a few KB
    more), for ``domain.numbered_pdf`` to stamp the number in it."""
    with speaking(document.language, CATALOGUE):
        return _render(document, seller, compress)


def _render(document: InvoiceDocument, seller: Seller, compress: bool) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1 if compress else 0)
    title = _("FACTURE %(number)s", number=document.number)
    canvas.setTitle(title)
    canvas.setAuthor(seller.name)
    out = _Writer(canvas, LETTER[1] - 22 * mm)

    out.line(title, "Helvetica-Bold", 18, gap=8 * mm)
    out.line(_("Numéro de facture : %(number)s", number=document.number))
    out.line(_("Date : %(date)s", date=format_date(document.issued_on)))
    out.line(_("Statut : %(status)s", status=_(STATUSES[document.status])))
    out.skip()

    out.line(_("Vendeur"), "Helvetica-Bold", 11)
    out.line(seller.name)
    for address_line in seller.address:
        out.line(address_line)
    out.line(seller.contact, size=9)
    out.skip()

    bill_to = document.bill_to
    out.line(_("Facturé à"), "Helvetica-Bold", 11)
    out.line(bill_to.get("name", ""))
    if bill_to.get("attention"):
        out.line(_("À l'attention de : %(name)s", name=bill_to["attention"]))
    out.line(bill_to.get("address", ""))
    out.line(f"{bill_to.get('city', '')} {bill_to.get('postal_code', '')}".strip())
    out.line(bill_to.get("email", ""), size=9)
    out.skip()
    out.line(_("Session : %(summary)s", summary=document.session_summary), size=9)
    out.skip()

    _draw_lines(out, document)
    out.skip()

    if document.status == "void":
        out.line(_("Facture annulée : il n'y a rien à payer."), "Helvetica-Bold", 11)
    elif document.status == "paid" or document.balance <= 0:
        # A paid invoice (a copy downloaded later) says so, and never invites to pay again.
        out.line(_("Facture payée : il n'y a plus rien à payer. Merci!"), "Helvetica-Bold", 11)
        out.skip()
        out.line(_("Les cartes sont expédiées sous peu, si ce n'est déjà fait."), size=9)
    else:
        _draw_how_to_pay(out, document, seller)
        out.skip()
        out.line(_("Les cartes sont expédiées à la réception du paiement."), size=9)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_how_to_pay(out: _Writer, document: InvoiceDocument, seller: Seller) -> None:
    out.line(_("Comment payer"), "Helvetica-Bold", 11)
    out.line(_(HOW_TO_PAY[document.payment_method], seller=seller.name, number=document.number,
               minimum=format_money(document.card_minimum)))
    if document.payment_method == "direct_deposit":
        for bank_line in seller.bank_details:
            out.line(bank_line, x=LEFT + 6 * mm)
        out.line(_("Référence : %(number)s", number=document.number), "Helvetica-Bold", x=LEFT + 6 * mm)
    if document.payment_method == "credit_card" and document.pay_url:
        out.line(document.pay_url, "Helvetica-Bold", x=LEFT + 6 * mm)


def _draw_lines(out: _Writer, document: InvoiceDocument) -> None:
    columns = (LEFT, LEFT + 100 * mm, LEFT + 120 * mm, RIGHT)
    canvas = out.canvas
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(columns[0], out.y, "Description")  # the same word in both languages
    canvas.drawRightString(columns[1] + 12 * mm, out.y, _("Qté"))
    canvas.drawRightString(columns[2] + 25 * mm, out.y, _("Prix unitaire"))
    canvas.drawRightString(columns[3], out.y, _("Montant"))
    out.y -= 2 * mm
    canvas.line(LEFT, out.y, RIGHT, out.y)
    out.y -= 4.5 * mm
    for line in document.lines:
        top = out.y
        canvas.setFont("Helvetica", 10)
        canvas.drawRightString(columns[1] + 12 * mm, top, str(line.quantity))
        canvas.drawRightString(columns[2] + 25 * mm, top, format_money(line.unit_price))
        canvas.drawRightString(columns[3], top, format_money(line.amount))
        for part in _split(line.description, "Helvetica", 10, 95 * mm):
            canvas.drawString(columns[0], out.y, part)
            out.y -= 4.2 * mm
    canvas.line(LEFT, out.y + 2 * mm, RIGHT, out.y + 2 * mm)
    out.y -= 2 * mm
    for label, value, font in ((_("Total (%(currency)s)", currency=document.currency), document.total, "Helvetica"),
                               (_("Payé (%(currency)s)", currency=document.currency), document.amount_paid,
                                "Helvetica"),
                               (_("Solde à payer (%(currency)s)", currency=document.currency), document.balance,
                                "Helvetica-Bold")):
        canvas.setFont(font, 10)
        canvas.drawRightString(columns[2] + 25 * mm, out.y, label)
        canvas.drawRightString(columns[3], out.y, format_money(value))
        out.y -= 5 * mm
