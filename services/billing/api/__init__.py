"""The billing API's blueprints."""
from services.billing.api import audit, invoices, payments

BLUEPRINTS = (invoices.blp, payments.blp, audit.blp)
