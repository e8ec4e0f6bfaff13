"""Who is really asking: the client's address and scheme behind trusted reverse proxies.

Behind nginx or Caddy every request comes from the proxy's address, so the login
throttle would see one client and the Secure cookie flag could not tell HTTPS.
``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only when the request
comes from an address in ``panel.trusted_proxies``; anyone else could write them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_HOPS = 20  # a longer chain is not a real deployment's; the rest is not read


def networks(addresses: Iterable[str]) -> tuple[Network, ...]:
    """``10.0.0.2`` or ``10.0.0.0/24`` (checked by the settings already)."""
    return tuple(ipaddress.ip_network(a.strip(), strict=False) for a in addresses)


def is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(remote: str, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The first address, walking back from the socket's peer, that no trusted proxy is.

    Each trusted proxy appends the address it received from; so the right-most
    entries are vouched for and anything left of the first untrusted one may be
    forged. A garbled entry stops the walk at the proxy that passed it.
    """
    candidate = remote
    hops = (forwarded_for or "").split(",")[-MAX_HOPS:]
    for hop in reversed(hops):
        if not is_trusted(candidate, trusted):
            break
        try:
            candidate = str(ipaddress.ip_address(hop.strip()))
        except ValueError:
            break
    return candidate


def forwarded_https(remote: str, forwarded_proto: str | None, trusted: Sequence[Network]) -> bool:
    """The client reached a trusted proxy over HTTPS (the proxy's own value is the last)."""
    if not forwarded_proto or not is_trusted(remote, trusted):
        return False
    return forwarded_proto.split(",")[-1].strip().lower() == "https"


class TrustedProxies:
    """WSGI middleware: REMOTE_ADDR and wsgi.url_scheme as the client sent them, so
    ``request.remote_addr`` and ``request.is_secure`` mean the person, not the proxy."""

    def __init__(self, app, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    def __call__(self, environ, start_response):
        remote = environ.get("REMOTE_ADDR", "")
        if self.trusted and is_trusted(remote, self.trusted):
            environ["broadcaster.proxy_addr"] = remote
            forwarded = environ.get("HTTP_X_FORWARDED_FOR")
            environ["REMOTE_ADDR"] = client_address(remote, forwarded, self.trusted)
            if forwarded_https(remote, environ.get("HTTP_X_FORWARDED_PROTO"), self.trusted):
                environ["wsgi.url_scheme"] = "https"
        return self.app(environ, start_response)
