"""Outbound HTTP to user-supplied URLs without SSRF: address checks, pinned connections, manual redirects.

Used by URL import (files) and, later, webhooks. Every hop of a redirect chain is resolved and
checked again, and the connection goes to the exact address that was checked (the URL is rewritten
to that IP while the original ``Host`` header and TLS SNI / certificate name are kept), so a DNS
answer that changes between the check and the connect (DNS rebinding) cannot reach a refused
address. Proxies from the environment are ignored for the same reason.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urljoin

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[IPAddress]]
AddressPolicy = Callable[[IPAddress], str | None]

MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class Sink(Protocol):
    """Where a download goes: anything with ``write(bytes)``."""

    def write(self, data: bytes, /) -> object:
        """Take the next chunk."""


class UrlRefused(Exception):
    """The URL (or an address it resolves to) may not be fetched."""


class FetchFailed(Exception):
    """The URL could not be fetched (unreachable, timeout, HTTP error, too many redirects)."""


class FetchTooLarge(Exception):
    """The response body is larger than allowed."""


def _v4_inside(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    # IPv6 forms that carry an IPv4 address the packets end up at.
    inner = [ip.sixtofour, ip.teredo[1] if ip.teredo else None]
    if ip in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64
        inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [v4 for v4 in inner if v4 is not None]


def refusal_reason(ip: IPAddress) -> str | None:
    """Why this address is not public (``None`` when it is): loopback, private, link-local, ..."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # the packets go to the IPv4 address: judge that alone
            return refusal_reason(ip.ipv4_mapped)
        for v4 in _v4_inside(ip):
            reason = refusal_reason(v4)
            if reason:
                return f"{reason} (inside {ip})"
    checks = (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
              ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
              ("private", ip.is_private), ("reserved", ip.is_reserved))
    for name, hit in checks:
        if hit:
            return name
    if isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.IPv4Network("100.64.0.0/10"):
        return "shared (CGNAT)"
    if not ip.is_global:
        return "not globally routable"
    return None


def allow_everything(_ip: IPAddress) -> str | None:
    """A policy that refuses nothing (``allow_private_urls``)."""
    return None


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for ``host``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"cannot resolve host {host!r}") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


@dataclass(frozen=True)
class PinnedTarget:
    """A checked URL and the one address to connect to for it."""

    url: httpx.URL
    address: IPAddress


def check_url(url: str | httpx.URL, *, policy: AddressPolicy = refusal_reason,
              resolver: Resolver = system_resolver) -> PinnedTarget:
    """Parse, resolve and check a URL; refuse it if ANY address it resolves to is refused."""
    try:
        parsed = httpx.URL(str(url))
    except (httpx.InvalidURL, ValueError) as exc:
        raise UrlRefused(f"not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https"):
        raise UrlRefused("only http and https URLs can be fetched")
    if not parsed.host:
        raise UrlRefused("the URL has no host")
    if parsed.userinfo:
        raise UrlRefused("URLs with credentials are not accepted")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = [ipaddress.ip_address(parsed.host)]
    except ValueError:
        addresses = resolver(parsed.host, port)
    if not addresses:
        raise FetchFailed(f"host {parsed.host!r} has no address")
    for address in addresses:
        reason = policy(address)
        if reason:
            raise UrlRefused(f"{parsed.host} resolves to {address}, a {reason} address; refused")
    return PinnedTarget(url=parsed, address=addresses[0])


def _pinned_request(client: httpx.Client, method: str, target: PinnedTarget,
                    headers: dict[str, str] | None, content: bytes | None) -> httpx.Request:
    url = target.url
    host_header = url.netloc.decode("ascii")
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return client.build_request(method, url.copy_with(host=str(target.address)), content=content,
                                headers={**(headers or {}), "Host": host_header}, extensions=extensions)


@contextmanager
def open_pinned(method: str, target: PinnedTarget, *, timeout: float,
                headers: dict[str, str] | None = None, content: bytes | None = None) -> Iterator[httpx.Response]:
    """Send one request to the checked address (no redirects followed); the response streams."""
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        request = _pinned_request(client, method, target, headers, content)
        try:
            response = client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"{target.url.host} did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"cannot reach {target.url.host}: {exc}") from exc
        try:
            yield response
        finally:
            response.close()


@dataclass(frozen=True)
class Fetched:
    """What ``fetch_to_file`` got: the final URL, its content type and disposition, the byte count."""

    final_url: str
    content_type: str | None
    content_disposition: str | None
    size: int


def fetch_to_file(url: str, dest: Sink, *, max_bytes: int, timeout: float,
                  policy: AddressPolicy = refusal_reason, resolver: Resolver = system_resolver,
                  max_redirects: int = MAX_REDIRECTS) -> Fetched:
    """GET ``url`` into ``dest``, checking every redirect hop and stopping at ``max_bytes`` or ``timeout``."""
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(max_redirects + 1):
        target = check_url(current, policy=policy, resolver=resolver)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchFailed("timed out")
        with open_pinned("GET", target, timeout=remaining,
                         headers={"Accept": "*/*", "Accept-Encoding": "identity",
                                  "User-Agent": "groundwork-url-import"}) as response:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                current = urljoin(str(target.url), response.headers["location"])
                continue
            if response.status_code >= 400:
                raise FetchFailed(f"the server answered HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchTooLarge(f"the file is larger than {max_bytes} bytes")
            size = _copy_body(response, dest, max_bytes, deadline)
            return Fetched(final_url=str(target.url), content_type=response.headers.get("content-type"),
                           content_disposition=response.headers.get("content-disposition"), size=size)
    raise FetchFailed(f"more than {max_redirects} redirects")


def _copy_body(response: httpx.Response, dest: Sink, max_bytes: int, deadline: float) -> int:
    size = 0
    try:
        for chunk in response.iter_bytes(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise FetchTooLarge(f"the file is larger than {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchFailed("timed out while downloading")
            dest.write(chunk)
    except httpx.TimeoutException as exc:
        raise FetchFailed("timed out while downloading") from exc
    except httpx.HTTPError as exc:
        raise FetchFailed(f"download interrupted: {exc}") from exc
    return size
