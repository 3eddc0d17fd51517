"""Where a webhook may be delivered: public internet addresses only (no app, no network).

A subscriber's URL is chosen by an administrator, but the name in it is answered by
whoever runs its DNS, so a name that looks public may resolve to this network's own
machines (a database, the cloud's metadata service at 169.254.169.254) or resolve
public when checked and private a moment later (DNS rebinding). So:

- :func:`is_public` is the one predicate, used when a subscription is made (for a host
  written as an address, in any spelling) and at every delivery (for every address the
  name resolves to);
- :func:`vet` resolves the host once and refuses it if ANY answer is not public; the
  sender then connects only to the addresses vetted here (app/api/pinning.py), never to
  a second resolution.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: Answers a host name with its addresses as text (every A and AAAA record).
Resolver = Callable[[str], Iterable[str]]

#: The Fetch Standard's "bad ports" (https://fetch.spec.whatwg.org/#port-blocking): ports of
#: other protocols (mail, file sharing, chat, remote shells) that browsers never send an HTTP
#: request to, so a page cannot make them talk to a mail or IRC server. A webhook's POST is
#: held to the same list, so a subscription cannot aim this server's requests at one.
BAD_PORTS = frozenset(
    {
        0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87,
        95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143,
        161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556,
        563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190,
        5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
    }
)  # fmt: skip

#: NAT64's well-known prefix (RFC 6052): the last 32 bits are the IPv4 address reached.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
#: Names that only ever mean this machine or a private network (RFC 6761, 6762, 8375).
INTERNAL_NAMES = ("localhost",)
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet")
#: At most this many vetted addresses are tried, in the order the resolver gave them.
MAX_ADDRESSES = 4
#: A host made only of these may be an IPv4 address in a legacy spelling (0x7f.1, 2130706433).
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
#: What a resolver is given: ASCII labels of letters, digits, hyphens and underscores.
_NAME = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*$")


class Refused(Exception):
    """The host must not receive deliveries; the message says why and is safe to show."""


class Unresolved(Exception):
    """The host's addresses could not be learned now; trying later may work."""


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and reaches: IPv4-mapped, 6to4 or NAT64."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is a unicast address on the public internet.

    Refused: private, loopback, link-local (the metadata service), CGNAT (100.64/10),
    multicast, unspecified, reserved and documentation ranges, IPv6 unique-local and
    site-local; an IPv6 address that embeds an IPv4 one is judged by the IPv4 one.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
        if address.is_site_local or address.scope_id:
            return False
    return address.is_global and not address.is_multicast and not address.is_reserved


@dataclass(frozen=True)
class Host:
    """A URL's host as a resolver reads it: its ASCII name, and the address it spells if any."""

    name: str
    address: IPAddress | None


def parse_host(host: str) -> Host:
    """``host`` (from a URL, brackets removed) normalised the way a resolver would read it.

    Case, one trailing dot and Unicode spellings (IDNA, whose nameprep maps full-width
    letters and digits to ASCII) are folded; a host a resolver would take for an IPv4
    address in a legacy spelling (``0x7f.1``, ``2130706433``, ``017700000001``) is that
    address. Raises Refused for what no resolver should be given.
    """
    try:
        return Host(host, ipaddress.ip_address(host))
    except ValueError:
        pass
    if "%" in host:
        raise Refused("The URL's host must not name a network interface.")
    text = host[:-1] if host.endswith(".") else host
    try:
        name = text.lower() if text.isascii() else text.encode("idna").decode("ascii").lower()
    except (UnicodeError, ValueError):
        name = ""
    if not _NAME.match(name):
        raise Refused("The URL's host is not a valid domain name.")
    try:
        return Host(name, ipaddress.ip_address(name))
    except ValueError:
        pass
    if _NUMERIC_HOST.match(name) and _NUMERIC_LABEL.match(name.rsplit(".", 1)[-1]):
        try:
            return Host(name, ipaddress.IPv4Address(socket.inet_aton(name)))
        except OSError:
            raise Refused("The URL's host is neither a domain name nor an address.") from None
    return Host(name, None)


def port_refusal(port: int | None) -> str | None:
    """Why a webhook may not be sent to ``port`` (None: the scheme's own), or None."""
    if port is None:
        return None
    if not 0 < port < 65536:
        return f"{port} is not a port"
    if port in BAD_PORTS:
        return f"port {port} belongs to another protocol (browsers refuse it too)"
    return None


def host_refusal(host: str) -> str | None:
    """Why a subscription's host is refused before any delivery, or None.

    A name is judged at delivery, by what it resolves to then; here only what the URL
    itself says: an internal name, a name of one label (completed by the resolver's
    search domains, so it names a local machine), or an address that is not public.
    """
    try:
        parsed = parse_host(host)
    except Refused as refusal:
        return str(refusal)
    if parsed.address is not None:
        if is_public(parsed.address):
            return None
        return f"{parsed.address} is not a public internet address."
    name = parsed.name
    if name in INTERNAL_NAMES or name.endswith(INTERNAL_SUFFIXES):
        return f"{name} names this machine or a private network."
    if "." not in name:
        return f"{name} is not a full domain name (for example hooks.example.com)."
    return None


def _described(address: IPAddress) -> str:
    embedded = embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else None
    return f"{address} (IPv4 {embedded})" if embedded else str(address)


def system_resolver(host: str) -> list[str]:
    """Every address ``host`` resolves to now (A and AAAA), by the operating system."""
    try:
        answers = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Unresolved(f"{host} could not be resolved ({error})") from error
    return [str(info[4][0]) for info in answers]


def vet(host: str, resolver: Resolver, allow_internal: bool = False) -> list[str]:
    """The addresses to connect to for ``host``, resolved once and each one checked.

    Refused (retrying cannot help until the DNS changes) if any address is not public,
    unless ``allow_internal`` (development); Unresolved if the resolver fails or answers
    nothing. The list keeps the resolver's order without repeats, at most MAX_ADDRESSES.
    """
    parsed = parse_host(host)
    if parsed.address is not None:
        answers: list[str] = [str(parsed.address)]
    else:
        try:
            answers = list(resolver(parsed.name))
        except Unresolved:
            raise
        except (OSError, UnicodeError, LookupError) as error:
            raise Unresolved(f"{host} could not be resolved ({error})") from error
    addresses: list[IPAddress] = []
    for answer in answers:
        try:
            address = ipaddress.ip_address(answer)
        except ValueError:
            raise Refused(f"{host} resolved to {answer!r}, which is not an address.") from None
        if not allow_internal and not is_public(address):
            raise Refused(
                f"{host} resolves to {_described(address)}, which is not a public internet "
                "address; deliveries go only to public addresses."
            )
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Unresolved(f"{host} resolved to no address.")
    return [str(address) for address in addresses[:MAX_ADDRESSES]]
