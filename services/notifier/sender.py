"""``python -m services.notifier.sender``: the email and webhook delivery loops alone, in their own process.

Same as ``python -m services.notifier.worker --role send``. Traced when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is
set (the mail loop turns ``chassis.tracing`` on: each email is sent under a span continuing the trace of the
event that staged it). Run it beside ``worker --role consume`` to scale sending apart from
consuming. Woken by PostgreSQL NOTIFY from the consumer's commits.
"""
from __future__ import annotations

from services.notifier.worker import main

if __name__ == "__main__":
    main(["--role", "send"])
