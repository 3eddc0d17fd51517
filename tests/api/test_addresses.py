"""Which addresses a webhook may reach, and how a host is read (pure: no app, no network)."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from app.api import services
from app.api.addresses import (
    Refused,
    Unresolved,
    host_refusal,
    is_public,
    parse_host,
    system_resolver,
    vet,
)


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 - an address judged, not bound
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "::",
        "fd00::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "ff0e::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64
        "::7f00:1",  # IPv4-compatible (deprecated) 127.0.0.1
        "2001:db8::1",
    ],
)
def test_addresses_inside_a_network_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)
def test_internet_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("0x7f.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7F.0.0.1.", "127.0.0.1"),
        ("\uff11\uff12\uff17.0.0.1", "127.0.0.1"),  # full-width digits
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("0xa9fea9fe", "169.254.169.254"),
    ],
)
def test_other_spellings_of_an_address_are_read_as_that_address(host, address):
    parsed = parse_host(host).address
    assert parsed is not None
    assert parsed == ipaddress.ip_address(address) or parsed.ipv4_mapped == ipaddress.ip_address(
        address
    )


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost.",
        "LOCALHOST.",
        "\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54",  # full-width "localhost"
        "api.localhost",
        "printer.local",
        "metadata.google.internal",
        "router.home.arpa",
        "metadata",  # one label: the resolver's search domains complete it
        "0x7f.1",
        "2130706433",
        "::1",
        "1.2.3.4.5",
        "a b.example",
        "fe80::1%eth0",
    ],
)
def test_a_subscription_host_inside_the_network_is_refused_in_any_spelling(host):
    assert host_refusal(host)


@pytest.mark.parametrize("host", ["hooks.example.com", "HOOKS.Example.com.", "bücher.example"])
def test_a_public_name_is_left_to_the_delivery_check(host):
    assert host_refusal(host) is None


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://LOCALHOST./in",
        "https://[::1]/in",
        "https://[::ffff:127.0.0.1]/in",
        "https://0x7f.1/in",
        "https://2130706433/in",
        "https://127.0.0.1./in",
        "https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/in",
        "https://[fd00::1]/in",
        "https://100.64.0.1/in",
        "https://hooks.example:99999/in",
        "https://hooks.example/in put",
        "http://[::1]/",
    ],
)
def test_the_api_and_the_page_refuse_these_urls_in_production(url):
    with pytest.raises(services.ApiError):
        services.check_webhook_url(url, allow_http=False)


#: A resolver the tests control: each name answers its addresses.
ANSWERS = {
    "private.example": ["10.0.0.1"],
    "loopback.example": ["127.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "v6loop.example": ["::1"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "ula.example": ["fd00::1"],
    "cgnat.example": ["100.64.0.1"],
    "mixed.example": ["93.184.215.14", "10.0.0.1"],
    "public.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "93.184.215.14"],
}


def table(host: str) -> list[str]:
    """Answer from ANSWERS, or fail as the system resolver does for an unknown name."""
    if host not in ANSWERS:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return ANSWERS[host]


@pytest.mark.parametrize(
    "host",
    [
        "private.example",
        "loopback.example",
        "metadata.example",
        "v6loop.example",
        "mapped.example",
        "ula.example",
        "cgnat.example",
        "mixed.example",
    ],
)
def test_a_name_resolving_to_any_internal_address_is_refused(host):
    with pytest.raises(Refused, match="not a public internet address"):
        vet(host, table)


def test_a_public_name_gives_its_addresses_once_each_in_order():
    assert vet("PUBLIC.example.", table) == [
        "93.184.215.14",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    ]


def test_development_may_reach_internal_addresses():
    assert vet("loopback.example", table, allow_internal=True) == ["127.0.0.1"]
    assert vet("127.0.0.1", table, allow_internal=True) == ["127.0.0.1"]


def test_an_address_in_the_url_is_not_resolved_but_still_judged():
    def never(host: str) -> list[str]:
        raise AssertionError(f"resolved {host}")

    with pytest.raises(Refused):
        vet("0x7f.1", never)
    assert vet("8.8.8.8", never) == ["8.8.8.8"]


def test_a_resolution_failure_may_be_retried():
    with pytest.raises(Unresolved):
        vet("nowhere.example", table)
    with pytest.raises(Unresolved):
        vet("empty.example", lambda host: [])


def test_a_resolver_answering_nonsense_is_refused():
    with pytest.raises(Refused):
        vet("odd.example", lambda host: ["not-an-address"])


def test_the_system_resolver_answers_every_address_and_fails_as_unresolved():
    assert "127.0.0.1" in system_resolver("127.0.0.1")
    with pytest.raises(Unresolved):
        system_resolver("name.invalid")
