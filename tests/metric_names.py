"""The series names the platform's processes export, from the metrics' definitions (issue 21).

tests/deploy/test_monitoring.py checks every alert rule and dashboard panel against them; the tests that scrape
real processes (tests/chassis/test_gunicorn_metrics.py, tests/chassis/bus/test_bus_metrics.py,
tests/notifier/test_delivery_metrics.py) check those processes serve no other ``guichet_`` series.
"""
from __future__ import annotations

SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count")}


def exported_series() -> set[str]:
    """The bus's and the notifier's metrics are defined when their modules are imported (workers, relays and
    senders serve prometheus-client's default registry); an API's are made per app by chassis.http.metrics."""
    from flask import Flask
    from prometheus_client import REGISTRY

    import chassis.bus.health  # noqa: F401
    import chassis.bus.metrics  # noqa: F401
    import chassis.bus.outbox_backlog  # noqa: F401
    import chassis.bus.queue_depth  # noqa: F401
    import services.notifier.operations.delivery_metrics  # noqa: F401
    from chassis.http.metrics import install_metrics

    families = [*REGISTRY.collect(), *install_metrics(Flask(__name__), "catalogue").collect()]
    return {family.name + suffix for family in families if family.name.startswith("guichet_")
            for suffix in SUFFIXES[family.type]}


def unknown_series(names) -> set[str]:
    """The ``guichet_`` series among ``names`` (scraped from a real process) that the definitions do not give
    (``_created`` samples, which prometheus-client adds in a single process, aside)."""
    return {name for name in names if name.startswith("guichet_") and not name.endswith("_created")} \
        - exported_series()
