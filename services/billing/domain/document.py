"""What an invoice PDF shows, independent of the database: built by ``operations.invoices``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Seller:
    name: str
    address: tuple[str, ...]
    contact: str
    bank_details: tuple[str, ...]


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDocument:
    number: str
    issued_on: date
    status: str
    language: str
    payment_method: str
    currency: str
    bill_to: dict
    lines: tuple[DocumentLine, ...]
    total: Decimal
    amount_paid: Decimal
    balance: Decimal
    pay_url: str | None
    session_summary: str
    card_minimum: Decimal
