"""Invoice numbers are taken at the very end of the invoice's transaction.

Numbers are gapless and unique per year whatever the number of workers: the year's counter row is
incremented (``UPDATE ... RETURNING``, which locks the row) and stays locked until the transaction
ends, so a rollback gives the number back and two transactions never hold the same one. The holders
of that lock take turns; to keep each turn short, everything that does not need the number happens
before it: the invoice and its lines are inserted (number still null), the PDF drawn with a
placeholder (``domain.numbered_pdf``). Under the lock remain: the counter update, the invoice's
number, the PDF stamped, the ``billing.invoice_issued`` outbox row, and the commit.

``number_at_commit(session, invoice, year, on_numbered)`` queues the invoice; a ``before_commit``
listener of the session numbers every queued invoice of the transaction with one counter update,
then calls each ``on_numbered(session, invoice)``. A consumer that handles several events in one
transaction therefore takes the lock once, at its end (an invoice whose savepoint was rolled back is
skipped). ``settle(session)`` numbers the queued invoices at once, for a statement of the same
transaction that needs their number (voiding the invoice of a session cancelled in the same batch);
should the savepoint of that statement be rolled back, the number and the event go with it and the
invoice is numbered again at the end.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, event, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from services.billing.db.models import Invoice, InvoiceCounter
from services.billing.domain.numbering import format_invoice_number
from services.billing.operations.dialect import insert_ignoring_conflict

_QUEUE = "billing.invoices_to_number"
_LISTENING = "billing.numbering_listener"
_SETTLED = "billing.invoices_numbered_early"

OnNumbered = Callable[[Session, Invoice], None]


@dataclass(frozen=True)
class _Queued:
    invoice: Invoice
    year: int
    on_numbered: OnNumbered


def number_at_commit(session: Session, invoice: Invoice, year: int, on_numbered: OnNumbered) -> None:
    """Gives ``invoice`` (flushed, number null) the next number of ``year`` when the transaction commits."""
    session.info.setdefault(_QUEUE, []).append(_Queued(invoice, year, on_numbered))
    if not session.info.get(_LISTENING):
        event.listen(session, "before_commit", _before_commit)
        session.info[_LISTENING] = True


def settle(session: Session) -> None:
    """Numbers the queued invoices of this transaction now (the counter stays locked until its end)."""
    _number_queued(session, final=False)


def _before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release is not the end of the transaction
        _number_queued(session, final=True)


def _number_queued(session: Session, final: bool) -> None:
    if final:
        queued, settled_before = session.info.pop(_QUEUE, []), session.info.pop(_SETTLED, False)
    else:
        queued, settled_before = session.info.get(_QUEUE, []), session.info.get(_SETTLED, False)
    waiting = [item for item in queued if inspect(item.invoice).persistent]  # not rolled back with a savepoint
    if not waiting:
        return
    session.flush()  # whatever is still pending is written before the lock is taken
    if settled_before:  # the invoices numbered by an earlier settle (and not rolled back since) are done
        unnumbered = set(session.scalars(select(Invoice.id).where(
            Invoice.id.in_([item.invoice.id for item in waiting]), Invoice.number.is_(None))))
        waiting = [item for item in waiting if item.invoice.id in unnumbered]
    if not final:
        session.info[_SETTLED] = True
    for year in dict.fromkeys(item.year for item in waiting):
        of_year = [item for item in waiting if item.year == year]
        last = _advance_counter(session, year, len(of_year))
        numbers = [format_invoice_number(year, sequence) for sequence in range(last - len(of_year) + 1, last + 1)]
        invoices = Invoice.__table__
        session.execute(update(invoices).where(invoices.c.id == bindparam("invoice_id"))
                        .values(number=bindparam("invoice_number")),
                        [{"invoice_id": item.invoice.id, "invoice_number": number}
                         for item, number in zip(of_year, numbers, strict=True)])
        for item, number in zip(of_year, numbers, strict=True):
            set_committed_value(item.invoice, "number", number)
            item.on_numbered(session, item.invoice)
    if not final:
        session.flush()  # the number and its event stand or fall together with the current savepoint


def _advance_counter(session: Session, year: int, count: int) -> int:
    """Adds ``count`` to the year's counter and returns its new value; the row stays locked until commit."""
    counters = InvoiceCounter.__table__
    statement = (update(counters).where(counters.c.year == year)
                 .values(last_number=counters.c.last_number + count).returning(counters.c.last_number))
    last = session.execute(statement).scalar()
    if last is None:  # the year's first invoice
        insert_ignoring_conflict(session, counters, {"year": year, "last_number": 0})
        last = session.execute(statement).scalar_one()
    return last
