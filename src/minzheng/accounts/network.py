"""The client's address, the same everywhere (audit rows, lockout, throttling): behind a reverse proxy every
request arrives from the proxy, so REMOTE_ADDR alone would make all users one client. X-Forwarded-For is
believed only when the connection comes from a configured trusted proxy (MINZHENG_TRUSTED_PROXIES), and
then only up to the first hop that is not one of ours: a client can put anything at the left of the header,
but each trusted proxy appends the address it saw on the right."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    nets = _networks(tuple(getattr(settings, "MINZHENG_TRUSTED_PROXIES", ())))
    return any(address in net for net in nets)


def client_ip(request: HttpRequest | None) -> str:
    """The right-most address that is not a trusted proxy (REMOTE_ADDR when no proxy is trusted)."""
    if request is None:
        return ""
    remote = _parse(str(request.META.get("REMOTE_ADDR", "")))
    if remote is None:
        return ""
    client = remote
    if _trusted(remote):
        hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:  # garbage left of our proxies: the last proxy is all we know
                break
            client = address
            if not _trusted(address):
                break
    return str(client)[:64]
