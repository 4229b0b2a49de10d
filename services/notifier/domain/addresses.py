"""Server-side request forgery guard: webhook targets must be public HTTP(S) addresses.

Every address the host name resolves to must be public (not private, loopback, link-local, multicast,
reserved or unspecified), unless the operator allows private targets (``NOTIFIER_WEBHOOKS_ALLOW_PRIVATE=1``).
Checked when a webhook is subscribed and again before each delivery (DNS may change in between).
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from chassis.i18n import _


class TargetRefused(ValueError):
    """The URL may not be called; ``str(error)`` is a bilingual message for the user."""


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (``is_global`` already excludes private, loopback,
    link-local, shared, reserved and unspecified ranges)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused(_("Adresse introuvable.")) from error
    return sorted({info[4][0] for info in infos})


def check_target(url: str, allow_private: bool, resolver=resolve) -> None:
    """Raises ``TargetRefused`` unless ``url`` is http(s), has a host, and (by default) resolves only to public
    addresses."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise TargetRefused(_("L'adresse doit commencer par http:// ou https://."))
    if parts.username or parts.password:
        raise TargetRefused(_("L'adresse ne doit pas contenir d'identifiants."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise TargetRefused(_("Port invalide.")) from error
    if allow_private:
        return
    addresses = resolver(parts.hostname, port)
    if not addresses or not all(is_public_address(address) for address in addresses):
        raise TargetRefused(_("Les adresses privées, locales ou de bouclage sont refusées."))
