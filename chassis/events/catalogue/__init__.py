"""Every event type of the platform, one module per producing service (see docs/events.md)."""
from chassis.events.catalogue import auth, billing, cards, data_export, productions  # noqa: F401
