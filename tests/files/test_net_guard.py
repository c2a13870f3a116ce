"""The SSRF guard: which addresses are refused, pinned connections, per-hop checks, limits."""

from __future__ import annotations

import io
import ipaddress

import pytest

from backend.core import net
from backend.core.net import IPAddress


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1",
    "255.255.255.255", "198.18.0.1", "::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:a00:1::", "64:ff9b::7f00:1",
])
def test_non_public_addresses_are_refused(address: str) -> None:
    assert net.refusal_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1",
                                     "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert net.refusal_reason(ipaddress.ip_address(address)) is None


def _resolver(table: dict[str, list[str]], calls: list[str] | None = None) -> net.Resolver:
    def resolve(host: str, _port: int) -> list[IPAddress]:
        if calls is not None:
            calls.append(host)
        return [ipaddress.ip_address(a) for a in table[host]]
    return resolve


def test_a_name_is_refused_if_any_of_its_addresses_is() -> None:
    resolver = _resolver({"mixed.test": ["93.184.216.34", "10.0.0.5"], "public.test": ["93.184.216.34"]})
    with pytest.raises(net.UrlRefused, match=r"10\.0\.0\.5"):
        net.check_url("http://mixed.test/x", resolver=resolver)
    target = net.check_url("https://public.test/x", resolver=resolver)
    assert str(target.address) == "93.184.216.34"


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "gopher://x/", "http:///nohost",
                                 "http://user:pw@example.com/", "not a url"])
def test_only_plain_http_urls(url: str) -> None:
    with pytest.raises(net.UrlRefused):
        net.check_url(url, resolver=_resolver({"example.com": ["93.184.216.34"]}))


def _loopback_ok(ip: IPAddress) -> str | None:
    """The default policy, except that 127.0.0.1 itself (our test servers) is allowed."""
    return None if str(ip) == "127.0.0.1" else net.refusal_reason(ip)


def test_connection_goes_to_the_checked_address_with_the_original_host(web) -> None:
    server = web("127.0.0.1")
    port = server.server_address[1]
    calls: list[str] = []
    out = io.BytesIO()
    # "rebind.test" exists only in our resolver: the request can only work if the connection is made
    # to the address that was checked, and the server must still see the name in the Host header.
    fetched = net.fetch_to_file(f"http://rebind.test:{port}/host", out, max_bytes=1000, timeout=5,
                                policy=_loopback_ok, resolver=_resolver({"rebind.test": ["127.0.0.1"]}, calls))
    assert out.getvalue() == f"rebind.test:{port}".encode()
    assert calls == ["rebind.test"]
    assert fetched.final_url == f"http://rebind.test:{port}/host"


def test_every_redirect_hop_is_checked(web) -> None:
    first, second = web("127.0.0.1"), web("127.0.0.2")
    second.blobs["secret"] = (b"internal", {})
    for target in (f"{second.base}/file/secret", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
                   "http://[::1]/"):
        with pytest.raises(net.UrlRefused):
            net.fetch_to_file(f"{first.base}/redirect?to={target}", io.BytesIO(), max_bytes=1000, timeout=5,
                              policy=_loopback_ok)
    assert second.hits == []
    first.blobs["ok"] = (b"fine", {})
    out = io.BytesIO()
    net.fetch_to_file(f"{first.base}/redirect?to=/file/ok", out, max_bytes=1000, timeout=5, policy=_loopback_ok)
    assert out.getvalue() == b"fine"


def test_redirect_limit_size_cap_and_timeout(web) -> None:
    server = web("127.0.0.1")
    server.blobs["big"] = (b"x" * 2000, {})
    kwargs = {"timeout": 5.0, "policy": net.allow_everything}
    with pytest.raises(net.FetchFailed, match="redirects"):
        net.fetch_to_file(f"{server.base}/loop", io.BytesIO(), max_bytes=1000, **kwargs)
    assert server.hits.count("/loop") == net.MAX_REDIRECTS + 1
    with pytest.raises(net.FetchTooLarge):
        net.fetch_to_file(f"{server.base}/file/big", io.BytesIO(), max_bytes=1000, **kwargs)
    out = io.BytesIO()
    with pytest.raises(net.FetchTooLarge):  # no Content-Length: stopped while streaming
        net.fetch_to_file(f"{server.base}/nolength", out, max_bytes=1000, **kwargs)
    assert len(out.getvalue()) <= 1000
    with pytest.raises(net.FetchFailed, match="time"):
        net.fetch_to_file(f"{server.base}/slow", io.BytesIO(), max_bytes=1000, timeout=0.5,
                          policy=net.allow_everything)
    with pytest.raises(net.FetchFailed, match="404"):
        net.fetch_to_file(f"{server.base}/file/none", io.BytesIO(), max_bytes=1000, **kwargs)
