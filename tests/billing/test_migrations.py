"""The billing migrations run on SQLite (embedded stack) as well as PostgreSQL."""
from sqlalchemy import create_engine, inspect

from chassis.migrations import upgrade

EXPECTED = {"account_status", "outbox", "inbox", "invoice_counters", "invoices", "invoice_lines", "payments",
            "payment_allocations",
            "idempotency_keys", "cancelled_sessions", "audit_entries", "alembic_version"}


def test_upgrade_to_head_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'billing.db'}"
    upgrade("billing", url)
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) == EXPECTED
    invoice_columns = {c["name"] for c in inspect(engine).get_columns("invoices")}
    assert {"number", "session_id", "total", "balance", "refund_due"} <= invoice_columns
    engine.dispose()


def test_sqlite_stack_issues_and_pays_an_invoice(tmp_path):
    """The same code paths (ON CONFLICT, FOR UPDATE as a no-op) on SQLite."""
    from chassis.db import Database
    from tests.billing.support import issue

    url = f"sqlite:///{tmp_path / 'billing.db'}"
    upgrade("billing", url)
    db = Database(url)
    first, second = issue(db), issue(db)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    db.dispose()
