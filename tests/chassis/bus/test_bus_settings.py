"""Bus settings from a ServiceConfig and the environment."""
from __future__ import annotations

import pytest

from chassis.bus.settings import BusSettings
from chassis.config import ServiceConfig


def test_settings_come_from_the_config_and_bus_variables(monkeypatch):
    monkeypatch.setenv("BUS_RETRY_DELAYS", "0.5, 2,10")
    monkeypatch.setenv("BUS_CONFIRM_TIMEOUT", "3")
    monkeypatch.setenv("BUS_PREFETCH", "7")
    monkeypatch.setenv("BUS_RELAY_BATCH_SIZE", "100")
    config = ServiceConfig(service="cards", database_url="sqlite://", bus_url="amqp://h//", bus_exchange="ex")
    settings = BusSettings.from_config(config)
    assert (settings.url, settings.exchange) == ("amqp://h//", "ex")
    assert settings.retry_delays == (0.5, 2.0, 10.0)
    assert (settings.confirm_timeout, settings.prefetch, settings.relay_batch_size) == (3.0, 7, 100)
    assert settings.attempts_allowed == 4
    assert [settings.delay_before_retry(n) for n in (1, 2, 3)] == [0.5, 2.0, 10.0]


def test_max_attempts_caps_the_retries_and_the_last_delay_repeats(monkeypatch):
    monkeypatch.setenv("BUS_MAX_ATTEMPTS", "6")
    settings = BusSettings.from_env(url="memory://")
    assert settings.attempts_allowed == 6 and settings.is_memory
    assert settings.delay_before_retry(5) == settings.retry_delays[-1]


@pytest.mark.parametrize("delays", ["", "1,-2", "a,b"])
def test_bad_retry_delays_are_refused(monkeypatch, delays):
    monkeypatch.setenv("BUS_RETRY_DELAYS", delays or " , ")
    with pytest.raises(ValueError):
        BusSettings.from_env()


def test_consumer_batch_settings_and_their_defaults(monkeypatch):
    for name in ("BUS_PREFETCH", "BUS_CONSUMER_BATCH", "BUS_CONSUMER_BATCH_WAIT"):
        monkeypatch.delenv(name, raising=False)
    defaults = BusSettings.from_env()
    assert (defaults.prefetch, defaults.consumer_batch, defaults.consumer_batch_wait) == (200, 100, 0.002)
    monkeypatch.setenv("BUS_CONSUMER_BATCH", "0")  # never less than one delivery a transaction
    monkeypatch.setenv("BUS_CONSUMER_BATCH_WAIT", "0.02")
    settings = BusSettings.from_env()
    assert (settings.consumer_batch, settings.consumer_batch_wait) == (1, 0.02)
