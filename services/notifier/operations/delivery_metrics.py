"""Prometheus counters of the delivery loops (served by the worker on ``BUS_METRICS_PORT``)."""
from prometheus_client import Counter

EMAIL_ATTEMPTS = Counter("guichet_notifier_email_attempts_total", "Email send attempts by template and outcome",
                         ["template", "outcome"])  # outcome: sent | retry | failed
WEBHOOK_ATTEMPTS = Counter("guichet_notifier_webhook_attempts_total", "Webhook delivery attempts by outcome",
                           ["event_type", "outcome"])  # outcome: delivered | retry | failed
