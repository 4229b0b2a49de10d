"""Who is asking: the client address auth throttles and records.

``X-Forwarded-For`` is believed only from a trusted proxy (``AUTH_TRUSTED_PROXIES``: the gateway's
own address). Then the client is the nearest hop, reading the header from the right, that is not
itself a trusted proxy: hops further left were written by whoever sent the request and prove nothing.
From any other peer, the header is ignored and the client is the peer itself, so rotating forged
``X-Forwarded-For`` values from outside the gateway changes nothing.
"""
from __future__ import annotations

import ipaddress

MAX_LENGTH = 64


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def resolve(peer: str | None, forwarded_for: str | None, trusted_networks) -> str:
    """The client address of a request from ``peer`` carrying ``forwarded_for``."""
    peer = (peer or "").strip() or "unknown"
    if not trusted_networks or not _trusted(_address(peer), trusted_networks) or not forwarded_for:
        return peer[:MAX_LENGTH]
    client = peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:  # garbage in the header: stop at the last address we could trust
            break
        client = str(address)
        if not _trusted(address, trusted_networks):
            break
    return client[:MAX_LENGTH]
