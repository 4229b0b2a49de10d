"""The billing API's blueprints."""
from services.billing.api import audit, exports, invoices, payments, stats

BLUEPRINTS = (invoices.blp, payments.blp, audit.blp, stats.blp, exports.blp)
