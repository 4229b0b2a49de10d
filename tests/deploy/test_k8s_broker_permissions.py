"""The permissions of deploy/k8s/infrastructure's `guichet` user, applied on the real local RabbitMQ: a user of
their own on a vhost of their own (made with rabbitmqctl, deleted afterwards) is given exactly the rendered
Permission's regexes, and runs what the platform's processes run with the production settings: the workers'
declarations for every consuming service, the relay's publishing (an unroutable event parked through the
default exchange), a retry and a dead letter sent to their queues, KEDA's passive declare, the dead-letter and
unroutable listings. Then it is refused what lies outside the platform's names.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from urllib.parse import quote, urlsplit

import amqp
import pytest

from chassis.bus.connection import open_connection
from chassis.bus.deadletters import DeadLetterQueue, UnroutableQueue
from chassis.bus.publisher import AmqpPublisher
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, declare_service_queues, retry_queue_name, service_queue_name
from stack.process_table import consumes
from stack.services import handlers
from tests.deploy.k8s_rendered import Rendered, render_infrastructure, render_overlay
from tests.deploy.support import SERVICES
from tests.deploy.test_k8s_infrastructure import bus_names, bus_settings, only
from tests.infra import AMQP_URL, TEST_RUN, missing, rabbitmq_url


def _rabbitmqctl(*args: str) -> str:
    result = subprocess.run(["rabbitmqctl", "--silent", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"rabbitmqctl {' '.join(args)}: {result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return (Rendered(render_infrastructure(tmp_path_factory.mktemp("infrastructure"))),
            Rendered(render_overlay("production", tmp_path_factory.mktemp("production"))))


@pytest.fixture
def guichet_user(rendered, monkeypatch):
    """BusSettings for a throw-away user and vhost holding exactly the rendered permissions, the production
    exchange, retry delays and queue type."""
    rabbitmq_url()
    if shutil.which("rabbitmqctl") is None:
        missing("rabbitmqctl is not installed (it makes the throw-away user and vhost)")
    infrastructure, production = rendered
    permissions = only(infrastructure, "Permission")["spec"]["permissions"]
    monkeypatch.setenv("BUS_QUEUE_TYPE", production.data("ConfigMap", "guichet", "guichet-common")["BUS_QUEUE_TYPE"])
    exchange, delays = bus_settings(production)
    name, password = f"guichet_test_{TEST_RUN}permissions_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    _rabbitmqctl("add_vhost", name)
    try:
        _rabbitmqctl("add_user", name, password)
        _rabbitmqctl("set_permissions", "-p", name, name,
                     permissions["configure"], permissions["write"], permissions["read"])
        broker = urlsplit(AMQP_URL)
        url = f"amqp://{name}:{password}@{broker.hostname}:{broker.port or 5672}/{quote(name, safe='')}"
        yield name, BusSettings(url=url, exchange=exchange, retry_delays=delays, confirm_timeout=10.0)
    finally:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name], capture_output=True, timeout=60)
        subprocess.run(["rabbitmqctl", "-q", "delete_user", name], capture_output=True, timeout=60)


def _envelope(event_type: str) -> dict:
    return {"id": str(uuid.uuid4()), "type": event_type, "version": 1, "producer": "test",
            "correlation_id": str(uuid.uuid4()), "payload": {}}


def test_the_guichet_permissions_let_the_bus_run_and_refuse_other_names(guichet_user):
    vhost, settings = guichet_user
    exchange, delays = settings.exchange, settings.retry_delays
    consumers = [service for service in SERVICES if consumes(service)]
    assert "billing" in consumers
    with open_connection(settings) as connection:  # each worker at start: configure, bind (write + read)
        for service in consumers:
            declare_service_queues(connection.channel(), exchange, service, handlers(service), delays)

    routed, unrouted = _envelope(sorted(handlers("billing"))[0]), _envelope("nobody.listens_to_this")
    publisher = AmqpPublisher(settings, "billing")
    try:  # the relay (write on the exchange, then amq.default to park), a retry and a dead letter (amq.default)
        assert publisher.publish_events([routed, unrouted]).unroutable == [unrouted["id"]]
        headers = {"event_id": routed["id"], "event_type": routed["type"]}
        publisher.send_to_queue(retry_queue_name(exchange, "billing", max(delays)), json.dumps(routed).encode(),
                                headers)
        publisher.send_to_queue(dead_queue_name(exchange, "billing"), json.dumps(routed).encode(), headers)
    finally:
        publisher.close()

    queue = service_queue_name(exchange, "billing")
    with open_connection(settings) as connection:
        channel = connection.channel()
        assert channel.queue_declare(queue=queue, passive=True).message_count == 1  # KEDA's scaler
        message = channel.basic_get(queue=queue, no_ack=True)  # the worker's read
        assert json.loads(message.body)["id"] == routed["id"]
    assert [letter.event_id for letter in DeadLetterQueue(settings, "billing").list()] == [routed["id"]]
    assert [letter.event_id for letter in UnroutableQueue(settings).list()] == [unrouted["id"]]

    # What the broker holds is what the naming functions give, no more, no fewer.
    names = bus_names(exchange, delays)
    assert set(_rabbitmqctl("list_queues", "-p", vhost, "name").split()) == names["queues"]
    exchanges = set(_rabbitmqctl("list_exchanges", "-p", vhost, "name").split())
    assert {name for name in exchanges if not name.startswith("amq.")} == names["exchanges"]

    refused = {
        "configure an exchange": lambda channel: channel.exchange_declare("other.events", "topic", durable=True,
                                                                          auto_delete=False),
        "configure a queue": lambda channel: channel.queue_declare("other.events.billing", durable=True,
                                                                   auto_delete=False),
        "write to amq.topic": lambda channel: channel.basic_publish_confirm(amqp.Message(b"{}"), exchange="amq.topic",
                                                                           routing_key="x", timeout=10),
        "read from amq.topic": lambda channel: channel.queue_bind(queue, exchange="amq.topic", routing_key="x"),
    }
    for what, attempt in refused.items():
        with open_connection(settings) as connection, pytest.raises(amqp.exceptions.AccessRefused):
            attempt(connection.channel())
            pytest.fail(f"allowed to {what}")
