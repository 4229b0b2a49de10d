"""The workers' and relays' broker signal: recorded by their loops, read from their metrics, no connection."""
from __future__ import annotations

from prometheus_client import generate_latest

from chassis.bus.health import BrokerLiveness


def _metrics() -> str:
    return generate_latest().decode()


def test_the_broker_signal_follows_the_loops_and_goes_stale():
    now = [1000.0]
    liveness = BrokerLiveness("demo-liveness", "consumer", clock=lambda: now[0])
    assert not liveness.healthy(within=60)
    assert 'guichet_bus_broker_connected{component="consumer",service="demo-liveness"} 0.0' in _metrics()

    liveness.reached()
    assert liveness.healthy(within=60)
    text = _metrics()
    assert 'guichet_bus_broker_connected{component="consumer",service="demo-liveness"} 1.0' in text
    assert 'guichet_bus_broker_last_contact_seconds{component="consumer",service="demo-liveness"} 1000.0' in text

    now[0] += 61  # a loop stuck on a dead connection stops reporting contact
    assert not liveness.healthy(within=60)
    liveness.reached()
    liveness.lost()
    assert not liveness.healthy(within=60)
    assert 'guichet_bus_broker_connected{component="consumer",service="demo-liveness"} 0.0' in _metrics()
