"""The life of a request (C11): new -> submitted -> invoiced -> paid -> shipped, or cancelled.

Billing's events may arrive late, twice or out of order: ``advance`` only ever moves forward,
so ``invoice_paid`` before ``invoice_issued`` gives ``paid`` and the late ``invoice_issued``
does nothing.
"""
from __future__ import annotations

from chassis.i18n import N_, _

NEW, SUBMITTED, INVOICED, PAID, SHIPPED, CANCELLED = "new", "submitted", "invoiced", "paid", "shipped", "cancelled"
ALL = (NEW, SUBMITTED, INVOICED, PAID, SHIPPED, CANCELLED)
_RANK = {NEW: 0, SUBMITTED: 1, INVOICED: 2, PAID: 3, SHIPPED: 4}
CANCELLABLE = (NEW, SUBMITTED, INVOICED)
EDITABLE = (NEW,)

# French source labels, translated where they are shown (``_(LABELS[status])``).
LABELS = {NEW: N_("Nouvelle"), SUBMITTED: N_("Soumise"), INVOICED: N_("Facturée"), PAID: N_("Payée"),
          SHIPPED: N_("Expédiée"), CANCELLED: N_("Annulée")}

# Who may cause which move: people through the API, billing through its events.
_BY_PEOPLE = {(NEW, SUBMITTED), (PAID, SHIPPED)} | {(status, CANCELLED) for status in CANCELLABLE}
_BY_BILLING = {(SUBMITTED, INVOICED), (SUBMITTED, PAID), (INVOICED, PAID)}


class IllegalTransition(Exception):
    def __init__(self, current: str, target: str):
        super().__init__(f"{current} -> {target}")
        self.current, self.target = current, target

    @property
    def message(self) -> str:
        return _("Action impossible : la demande est « %(status)s ».", status=_(LABELS[self.current]))


def check_transition(current: str, target: str) -> None:
    """A move asked by a person; raises IllegalTransition (a 409) when it is not allowed."""
    if (current, target) not in _BY_PEOPLE:
        raise IllegalTransition(current, target)


def advance(current: str, target: str) -> str | None:
    """The status after billing says ``target``; None when the event changes nothing (late or duplicate)."""
    if (current, target) in _BY_BILLING:
        return target
    return None


def is_past(current: str, target: str) -> bool:
    """True when ``current`` is already at or beyond ``target`` on the forward path."""
    return current in _RANK and target in _RANK and _RANK[current] >= _RANK[target]
