"""Portal 1 pages for trainers: sessions, participants, payment, invoices, attestations (C4-C11, X3, X5).

Each page group adds its routes to the one ``portal_cards`` blueprint."""
from services.web.portal_cards import attestations, invoices, participants, payment, sessions  # noqa: F401
from services.web.portal_cards.blueprint import blp  # noqa: F401
