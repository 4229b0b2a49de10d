"""The audit trail (X4), for cards staff: who recorded which payment, when."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import or_, select

from chassis.page_schema import page
from chassis.tokens import require_auth
from services.billing.api import context
from services.billing.api.presenters import audit_view
from services.billing.api.schemas import AuditList, AuditQuery
from services.billing.db.models import AuditEntry, PaymentAllocation
from services.billing.operations.payments import STAFF_ROLE

blp = Blueprint("audit", __name__, description="Audit trail (X4)")


@blp.route("/audit", methods=["GET"])
@require_auth(STAFF_ROLE)
@blp.arguments(AuditQuery, location="query", as_kwargs=True)
@blp.response(200, AuditList)
def list_audit(limit: int, offset: int, invoice_id: str | None = None, payment_id: str | None = None,
               actor_id: str | None = None, action: str | None = None):
    """Newest first. `invoice_id` also finds payments split over several invoices."""
    query = select(AuditEntry)
    if invoice_id:
        paid_by = select(PaymentAllocation.payment_id).where(PaymentAllocation.invoice_id == invoice_id)
        query = query.where(or_(AuditEntry.invoice_id == invoice_id, AuditEntry.payment_id.in_(paid_by)))
    if payment_id:
        query = query.where(AuditEntry.payment_id == payment_id)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action:
        query = query.where(AuditEntry.action == action)
    with context.database().reading() as session:
        return page(session, query.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc()), limit, offset,
                    audit_view)
