"""A ``BUS_URL`` that names several nodes (kombu's failover syntax): a publisher and a reader reach the one node
that answers, wherever they start in the list (the cluster scenario is test_broker_cluster.py)."""
from __future__ import annotations

import pytest

from chassis.bus import connection as bus_connection
from chassis.bus.connection import close_connection, open_connection
from chassis.bus.publisher import AmqpPublisher
from chassis.bus.settings import BusSettings
from chassis.bus.topology import plain_queue, unroutable_queue_name
from tests.infra import rabbitmq_url, unique_exchange
from tests.reliability.private_infra import free_port


@pytest.mark.parametrize("first", [0, 1, 2])
def test_a_publisher_and_a_reader_reach_the_one_node_that_answers_from_any_node_they_start_with(first):
    """The two nodes listed first are dead (their ports refuse connections, as a killed node's do): wherever a
    process starts in ``BUS_URL``, its connections reach the third node (kombu's own ``connect`` tries two)."""
    dead = [f"amqp://guest:guest@127.0.0.1:{free_port()}//" for _ in range(2)]
    settings = BusSettings(url=";".join([*dead, rabbitmq_url()]), exchange=unique_exchange("failover"))
    bus_connection._first_node[settings.url] = first  # where this process starts (at random otherwise)
    name = f"{settings.exchange}.queue"
    reader = open_connection(settings)
    publisher = AmqpPublisher(settings)
    try:
        queue = plain_queue(name)(reader.channel())  # a channel without connect(): the implicit connection too
        queue.declare()
        publisher.send_to_queue(name, b'{"hello": "cluster"}', {"event_id": "e-1"})  # confirmed, or raises
        publisher.keep_alive()  # heartbeats on the failover connection
        message = queue.get(no_ack=True)
        assert message is not None and message.payload == {"hello": "cluster"}
        assert message.headers["event_id"] == "e-1"
    finally:
        publisher.close()
        channel = reader.channel()  # what the test left on the machine's broker
        for queue_name in (name, unroutable_queue_name(settings.exchange)):
            channel.queue_delete(queue_name)
        channel.exchange_delete(settings.exchange)
        close_connection(reader)
