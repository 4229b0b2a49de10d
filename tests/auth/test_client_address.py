"""Which address is the client's (issue 17, item 6): ``X-Forwarded-For`` only from a trusted proxy."""
import ipaddress

import pytest

from services.auth.config import parse_networks
from services.auth.domain.client_address import resolve

GATEWAY = parse_networks("10.89.0.10, ::1")


@pytest.mark.parametrize("peer, header, expected", [
    ("203.0.113.7", "198.18.0.1", "203.0.113.7"),             # not the gateway: the header is ignored
    ("10.89.0.10", "198.18.0.1", "198.18.0.1"),               # the gateway names the client
    ("10.89.0.10", "1.2.3.4, 198.18.0.1", "198.18.0.1"),      # a hop the client wrote itself is not believed
    ("10.89.0.10", "198.18.0.1, 10.89.0.10", "198.18.0.1"),   # trusted hops are skipped from the right
    ("10.89.0.10", "not-an-address", "10.89.0.10"),           # garbage: the gateway itself
    ("10.89.0.10", None, "10.89.0.10"),
    ("::1", "2001:db8::5", "2001:db8::5"),
    ("10.89.0.11", "198.18.0.1", "10.89.0.11"),               # the gateway's neighbour is not the gateway
])
def test_the_header_is_believed_only_from_a_trusted_proxy(peer, header, expected):
    assert resolve(peer, header, GATEWAY) == expected


def test_no_trusted_proxy_means_the_peer():
    assert resolve("127.0.0.1", "198.18.0.1", ()) == "127.0.0.1"


def test_a_wrong_entry_stops_the_service_at_start():
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/8, gateway")
    assert parse_networks("10.0.0.0/8") == (ipaddress.ip_network("10.0.0.0/8"),)
