"""Portal 1 pages for trainers: sessions, participants, payment, invoices, attestations (C4-C11, X3, X5)."""
