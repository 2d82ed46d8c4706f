"""Where the services may send a request whose address a person typed (no server-side request
forgery): the address is read with the parser `requests` itself uses, so what is checked is where
it goes, and refused when it holds a user name, a backslash, a space or any other character two
parsers could read two ways. Used by the registry's group robots (services/registry/webhooks.py),
publishing's portal feeds (services/publishing/portal.py) and the pictures of the posts the
platforms' adapters send (services/publishing/media.py); each keeps its own allow-list."""
from __future__ import annotations

import re

import requests
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

AMBIGUOUS = re.compile(r"[\\\s@%]")  # in the authority: what parsers read in different ways


def target(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) where `requests` would send the address, or None when it holds
    anything parsers disagree on."""
    if not url.isascii() or any(c in url for c in "\\ \t\r\n"):
        return None
    try:
        parts = parse_url(requests.Request("GET", url).prepare().url)
    except (requests.RequestException, ValueError, LocationParseError):
        return None
    authority = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    if parts.scheme not in ("http", "https") or not parts.host or parts.auth or AMBIGUOUS.search(authority):
        return None
    return parts.scheme, parts.host.lower(), parts.port or (443 if parts.scheme == "https" else 80)


def listed(host: str, port: int, scheme: str, hosts: tuple[str, ...]) -> bool:
    """Is the address on a host the list names: `host` on the scheme's own port, or `host:port`."""
    default = 443 if scheme == "https" else 80
    return f"{host}:{port}" in hosts or (port == default and host in hosts)


def on_list(scheme: str, host: str, port: int, hosts: tuple[str, ...]) -> bool:
    """Is the address on an allow-list of `host`, `host:port` (HTTPS), `.domain` (HTTPS on 443 at
    any of its subdomains) and `http://host:port` (plain HTTP, named as such)?"""
    if scheme == "http":
        return f"http://{host}:{port}" in hosts
    return listed(host, port, scheme, hosts) or (port == 443 and any(
        h.startswith(".") and host.endswith(h) for h in hosts))
