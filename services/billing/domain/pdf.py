"""The invoice PDF (X3), drawn with reportlab: one page, standard fonts, compressed (a few KB)."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from chassis.money import money_display
from services.billing.domain.document import InvoiceDocument, Seller

LABELS = {
    "fr": {
        "title": "FACTURE", "number": "Numéro de facture", "date": "Date", "status": "Statut",
        "seller": "Vendeur", "buyer": "Facturé à", "attention": "À l'attention de",
        "description": "Description", "quantity": "Qté", "unit_price": "Prix unitaire", "amount": "Montant",
        "total": "Total", "paid": "Payé", "balance": "Solde à payer", "how_to_pay": "Comment payer",
        "status_open": "À payer", "status_paid": "Payée", "status_void": "Annulée",
        "cheque": ("Paiement par chèque : libellez le chèque à l'ordre de {seller} et inscrivez-y "
                   "obligatoirement le numéro de facture {number}. Postez-le à l'adresse du vendeur ci-dessus."),
        "direct_deposit": ("Dépôt direct : versez le solde au compte ci-dessous et indiquez le numéro de facture "
                           "{number} comme référence du dépôt."),
        "credit_card": ("Carte de crédit : payez en ligne à l'adresse ci-dessous (solde minimal de {minimum}). "
                        "Les données de votre carte ne sont jamais conservées."),
        "shipping": "Les cartes sont expédiées à la réception du paiement.",
        "settled": "Facture payée : il n'y a plus rien à payer. Merci!",
        "settled_shipping": "Les cartes sont expédiées sous peu, si ce n'est déjà fait.",
        "voided": "Facture annulée : il n'y a rien à payer.",
        "session": "Session", "reference": "Référence", "colon": " : ",
    },
    "en": {
        "title": "INVOICE", "number": "Invoice number", "date": "Date", "status": "Status",
        "seller": "Seller", "buyer": "Bill to", "attention": "Attention",
        "description": "Description", "quantity": "Qty", "unit_price": "Unit price", "amount": "Amount",
        "total": "Total", "paid": "Paid", "balance": "Balance due", "how_to_pay": "How to pay",
        "status_open": "Due", "status_paid": "Paid", "status_void": "Void",
        "cheque": ("Payment by cheque: make the cheque payable to {seller} and write the invoice number "
                   "{number} on it. Mail it to the seller's address above."),
        "direct_deposit": ("Direct deposit: deposit the balance into the account below and give the invoice "
                           "number {number} as the deposit reference."),
        "credit_card": ("Credit card: pay online at the address below (minimum balance {minimum}). "
                        "Your card data is never kept."),
        "shipping": "Cards are shipped once payment is received.",
        "settled": "Invoice paid: nothing is left to pay. Thank you!",
        "settled_shipping": "The cards are shipped shortly, if they have not been already.",
        "voided": "Invoice void: there is nothing to pay.",
        "session": "Session", "reference": "Reference", "colon": ": ",
    },
}

LEFT = 20 * mm
RIGHT = LETTER[0] - 20 * mm
WIDTH = RIGHT - LEFT


class _Writer:
    def __init__(self, canvas: Canvas, y: float):
        self.canvas, self.y = canvas, y

    def line(self, text: str, font: str = "Helvetica", size: float = 10, x: float = LEFT, gap: float = 4.2 * mm):
        self.canvas.setFont(font, size)
        for part in simpleSplit(text, font, size, RIGHT - x) or [""]:
            self.canvas.drawString(x, self.y, part)
            self.y -= gap

    def skip(self, space: float = 3 * mm):
        self.y -= space


def render_invoice_pdf(document: InvoiceDocument, seller: Seller, compress: bool = True) -> bytes:
    """The PDF of ``document``; ``compress=False`` leaves the page's text as it is written (a few KB
    more), for ``domain.numbered_pdf`` to stamp the number in it."""
    labels = LABELS.get(document.language, LABELS["fr"])
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1 if compress else 0)
    canvas.setTitle(f"{labels['title']} {document.number}")
    canvas.setAuthor(seller.name)
    out = _Writer(canvas, LETTER[1] - 22 * mm)

    out.line(f"{labels['title']} {document.number}", "Helvetica-Bold", 18, gap=8 * mm)
    out.line(f"{labels['number']}{labels['colon']}{document.number}")
    out.line(f"{labels['date']}{labels['colon']}{document.issued_on.isoformat()}")
    out.line(f"{labels['status']}{labels['colon']}{labels['status_' + document.status]}")
    out.skip()

    out.line(labels["seller"], "Helvetica-Bold", 11)
    out.line(seller.name)
    for address_line in seller.address:
        out.line(address_line)
    out.line(seller.contact, size=9)
    out.skip()

    bill_to = document.bill_to
    out.line(labels["buyer"], "Helvetica-Bold", 11)
    out.line(bill_to.get("name", ""))
    if bill_to.get("attention"):
        out.line(f"{labels['attention']}{labels['colon']}{bill_to['attention']}")
    out.line(bill_to.get("address", ""))
    out.line(f"{bill_to.get('city', '')} {bill_to.get('postal_code', '')}".strip())
    out.line(bill_to.get("email", ""), size=9)
    out.skip()
    out.line(f"{labels['session']}{labels['colon']}{document.session_summary}", size=9)
    out.skip()

    _draw_lines(out, document, labels)
    out.skip()

    if document.status == "void":
        out.line(labels["voided"], "Helvetica-Bold", 11)
    elif document.status == "paid" or document.balance <= 0:
        # A paid invoice (a copy downloaded later) says so, and never invites to pay again.
        out.line(labels["settled"], "Helvetica-Bold", 11)
        out.skip()
        out.line(labels["settled_shipping"], size=9)
    else:
        _draw_how_to_pay(out, document, seller, labels)
        out.skip()
        out.line(labels["shipping"], size=9)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_how_to_pay(out: _Writer, document: InvoiceDocument, seller: Seller, labels: dict) -> None:
    out.line(labels["how_to_pay"], "Helvetica-Bold", 11)
    minimum = money_display(document.card_minimum, document.language)
    out.line(labels[document.payment_method].format(seller=seller.name, number=document.number, minimum=minimum))
    if document.payment_method == "direct_deposit":
        for bank_line in seller.bank_details:
            out.line(bank_line, x=LEFT + 6 * mm)
        out.line(f"{labels['reference']}{labels['colon']}{document.number}", "Helvetica-Bold", x=LEFT + 6 * mm)
    if document.payment_method == "credit_card" and document.pay_url:
        out.line(document.pay_url, "Helvetica-Bold", x=LEFT + 6 * mm)


def _draw_lines(out: _Writer, document: InvoiceDocument, labels: dict) -> None:
    language = document.language
    columns = (LEFT, LEFT + 100 * mm, LEFT + 120 * mm, RIGHT)
    canvas = out.canvas
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(columns[0], out.y, labels["description"])
    canvas.drawRightString(columns[1] + 12 * mm, out.y, labels["quantity"])
    canvas.drawRightString(columns[2] + 25 * mm, out.y, labels["unit_price"])
    canvas.drawRightString(columns[3], out.y, labels["amount"])
    out.y -= 2 * mm
    canvas.line(LEFT, out.y, RIGHT, out.y)
    out.y -= 4.5 * mm
    for line in document.lines:
        top = out.y
        canvas.setFont("Helvetica", 10)
        canvas.drawRightString(columns[1] + 12 * mm, top, str(line.quantity))
        canvas.drawRightString(columns[2] + 25 * mm, top, money_display(line.unit_price, language))
        canvas.drawRightString(columns[3], top, money_display(line.amount, language))
        for part in simpleSplit(line.description, "Helvetica", 10, 95 * mm):
            canvas.drawString(columns[0], out.y, part)
            out.y -= 4.2 * mm
    canvas.line(LEFT, out.y + 2 * mm, RIGHT, out.y + 2 * mm)
    out.y -= 2 * mm
    for label, value, font in ((labels["total"], document.total, "Helvetica"),
                               (labels["paid"], document.amount_paid, "Helvetica"),
                               (labels["balance"], document.balance, "Helvetica-Bold")):
        canvas.setFont(font, 10)
        canvas.drawRightString(columns[2] + 25 * mm, out.y, f"{label} ({document.currency})")
        canvas.drawRightString(columns[3], out.y, money_display(value, language))
        out.y -= 5 * mm
