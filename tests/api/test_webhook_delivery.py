"""Deliveries go only to the public addresses vetted just before, and the connection is
pinned to them: a name resolving inside the network is refused for good with its reason,
a name that resolves public and then private (DNS rebinding) is still sent to the public
address, and the Host header, TLS server name and certificate check keep the host name.

The receiver is real (HTTPS on loopback, with a certificate for ``hooks.example`` from a
test authority); names are answered by a resolver the test controls (WEBHOOK_RESOLVER).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpcore
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy import select

from app.accounts.models import Role
from app.api import listeners, services
from app.db import db
from app.outbound.models import OutboundDelivery
from app.outbound.services import SendFailed, drain, enqueue
from tests.loopback import Serving

HOST = "hooks.example"
PUBLIC = "93.184.215.14"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(
    subject: str, issuer: str, key: ec.EllipticCurvePrivateKey, signer: ec.EllipticCurvePrivateKey
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), False
        )
    )


def make_certificates(folder: Path, names: Iterable[str]) -> tuple[Path, Path]:
    """A test authority (its certificate written to ``ca.pem``) and a server certificate
    for ``names`` signed by it (``server.pem`` holds the certificate and its key)."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    authority = (
        _certificate("Test authority", "Test authority", ca_key, ca_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
        .sign(ca_key, hashes.SHA256())
    )
    server = (
        _certificate("Test receiver", "Test authority", key, ca_key)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, server_file = folder / "ca.pem", folder / "server.pem"
    ca_file.write_bytes(authority.public_bytes(serialization.Encoding.PEM))
    server_file.write_bytes(
        server.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, server_file


class Receiver:
    """A subscriber's HTTPS endpoint on loopback: keeps each POST's Host, path and the
    server name (SNI) the client asked for; answers ``status`` (and ``location``)."""

    def __init__(self, certificate: Path) -> None:
        self.posts: list[dict[str, str]] = []
        self.server_names: list[str | None] = []
        self.status, self.location = 204, ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append({"host": self.headers["Host"], "path": self.path})
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificate)
        context.sni_callback = lambda _socket, name, _context: receiver.server_names.append(name)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.url = f"https://{HOST}:{self.port}/hooks"
        self.serving = Serving(self.server)

    def close(self) -> None:
        self.serving.stop()


@pytest.fixture
def certificates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Certificates for hooks.example, with the test authority trusted by httpx."""
    ca_file, server_file = make_certificates(tmp_path, [HOST])
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    return ca_file, server_file


@pytest.fixture
def receiver(certificates: tuple[Path, Path]) -> Iterator[Receiver]:
    endpoint = Receiver(certificates[1])
    yield endpoint
    endpoint.close()


class Resolver:
    """Answers from a table, counting the questions; an unknown name fails like DNS."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str) -> list[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        replies = self.answers[host]
        return replies[min(len(self.asked), len(replies)) - 1]


class ToLoopback(httpcore.NetworkBackend):
    """Records the address each connection was asked for, and connects to loopback
    instead (the test's stand-in for the internet)."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.real = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        self.asked.append(host)
        return self.real.connect_tcp("127.0.0.1", port, timeout, local_address, socket_options)


def _subscribe(make_user, url: str) -> int:  # type: ignore[no-untyped-def]
    admin = make_user(Role.ADMIN)
    subscription, _ = services.create_webhook(admin, url, ["certificate.issued"], True)
    return subscription.id


def _queue(subscription_id: int) -> None:
    enqueue(
        listeners.CHANNEL,
        {
            "subscription_id": subscription_id,
            "event": {"id": "msg_1", "type": "certificate.issued", "timestamp": "", "data": {}},
        },
        destination="",
        dedupe_key=f"{subscription_id}:certificate.issued:1",
    )
    db.session.commit()


def _the_delivery() -> OutboundDelivery:
    db.session.expire_all()
    return db.session.scalars(select(OutboundDelivery)).one()


@pytest.mark.parametrize(
    "addresses",
    [
        ["10.0.0.1"],
        ["127.0.0.1"],
        ["169.254.169.254"],
        ["::1"],
        ["::ffff:127.0.0.1"],
        ["fd00::1"],
        ["100.64.0.1"],
        [PUBLIC, "10.0.0.1"],
    ],
)
def test_a_name_resolving_inside_the_network_is_refused_for_good_with_the_reason(
    app, make_user, receiver, monkeypatch, addresses
):
    monkeypatch.setitem(app.config, "GROUNDWORK_ENV", "production")
    monkeypatch.setitem(app.config, "WEBHOOK_RESOLVER", Resolver({HOST: [addresses]}))
    _queue(_subscribe(make_user, receiver.url))
    report = drain()
    delivery = _the_delivery()
    assert (report.failed, delivery.status, delivery.attempts) == (1, "failed", 1)
    refused = ipaddress.ip_address(next(a for a in addresses if a != PUBLIC))
    assert delivery.last_error and delivery.last_error.startswith("refused:")
    assert f"{HOST} resolves to {refused}" in delivery.last_error
    assert "not a public internet address" in delivery.last_error
    assert receiver.posts == []


def test_the_refusal_and_its_reason_are_shown_to_administrators(
    app, client, make_user, sign_in, monkeypatch
):
    monkeypatch.setitem(app.config, "GROUNDWORK_ENV", "production")
    monkeypatch.setitem(app.config, "WEBHOOK_RESOLVER", Resolver({HOST: [["169.254.169.254"]]}))
    _queue(_subscribe(make_user, f"https://{HOST}/hooks"))
    drain()
    sign_in(Role.ADMIN)
    reason = f"refused: {HOST} resolves to 169.254.169.254, which is not a public internet address"
    deliveries = client.get("/admin/deliveries").get_data(as_text=True)
    assert "Failed</span> after 1 try" in deliveries and reason in deliveries
    assert reason in client.get("/admin/webhooks").get_data(as_text=True)


def test_a_name_that_does_not_resolve_is_tried_again_later(app, make_user, receiver, monkeypatch):
    monkeypatch.setitem(app.config, "GROUNDWORK_ENV", "production")
    monkeypatch.setitem(app.config, "WEBHOOK_RESOLVER", Resolver({}))
    _queue(_subscribe(make_user, receiver.url))
    assert drain().retrying == 1
    delivery = _the_delivery()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert f"{HOST} could not be resolved" in (delivery.last_error or "")


def test_a_rebinding_name_is_sent_to_the_address_checked_not_the_second_answer(receiver):
    resolver = Resolver({HOST: [[PUBLIC], ["127.0.0.1"]]})
    network = ToLoopback()
    listeners.deliver(
        receiver.url, b"{}", {}, resolver=resolver, allow_internal=False, inner=network
    )
    assert resolver.asked == [HOST]  # resolved once: the connection asked no one again
    assert network.asked == [PUBLIC]
    # The request still names the host: Host header, TLS server name, certificate.
    assert receiver.posts == [{"host": f"{HOST}:{receiver.port}", "path": "/hooks"}]
    assert receiver.server_names == [HOST]


def test_the_next_vetted_address_is_tried_when_the_first_does_not_answer(receiver):
    class FirstRefuses(ToLoopback):
        def connect_tcp(self, host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
            if not self.asked:
                self.asked.append(host)
                raise httpcore.ConnectError("connection refused")
            return super().connect_tcp(host, port, *args, **kwargs)

    network = FirstRefuses()
    resolver = Resolver({HOST: [[PUBLIC, "2606:4700:4700::1111"]]})
    listeners.deliver(
        receiver.url, b"{}", {}, resolver=resolver, allow_internal=False, inner=network
    )
    assert network.asked == [PUBLIC, "2606:4700:4700::1111"]
    assert len(receiver.posts) == 1


def test_development_delivers_through_the_pinned_connection_end_to_end(
    app, make_user, receiver, monkeypatch
):
    """No stand-in network: the real connection goes to the vetted 127.0.0.1, while the
    certificate is checked for hooks.example (the name no real DNS would answer)."""
    resolver = Resolver({HOST: [["127.0.0.1"]]})
    monkeypatch.setitem(app.config, "WEBHOOK_RESOLVER", resolver)
    _queue(_subscribe(make_user, receiver.url))
    assert drain().delivered == 1
    assert _the_delivery().status == "delivered"
    assert receiver.posts == [{"host": f"{HOST}:{receiver.port}", "path": "/hooks"}]
    assert receiver.server_names == [HOST]
    assert resolver.asked == [HOST]


def test_the_certificate_is_checked_against_the_name_not_the_address(
    app, make_user, tmp_path, monkeypatch
):
    ca_file, server_file = make_certificates(tmp_path, ["other.example"])
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    endpoint = Receiver(server_file)
    try:
        with pytest.raises(SendFailed, match="certificate") as failure:
            listeners.deliver(
                endpoint.url,
                b"{}",
                {},
                resolver=Resolver({HOST: [["127.0.0.1"]]}),
                allow_internal=True,
            )
        assert not failure.value.permanent  # the subscriber may fix its certificate
        assert endpoint.posts == []
    finally:
        endpoint.close()


def test_development_refuses_a_port_of_another_protocol_too(receiver):
    """Even where loopback is allowed, nothing is sent to a mail or IRC port."""
    with pytest.raises(SendFailed, match="port 25 belongs to another protocol") as failure:
        listeners.deliver(
            "http://127.0.0.1:25/in",
            b"{}",
            {},
            resolver=Resolver({HOST: [["127.0.0.1"]]}),
            allow_internal=True,
        )
    assert failure.value.permanent and receiver.posts == []


def test_a_redirect_is_not_followed(receiver, certificates):
    elsewhere = Receiver(certificates[1])
    try:
        receiver.status, receiver.location = 307, elsewhere.url
        with pytest.raises(SendFailed, match="answered 307"):
            listeners.deliver(
                receiver.url,
                b"{}",
                {},
                resolver=Resolver({HOST: [["127.0.0.1"]]}),
                allow_internal=True,
            )
        assert len(receiver.posts) == 1 and elsewhere.posts == []
    finally:
        elsewhere.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example/hooks",
        "ftp://hooks.example/x",
        "https://hooks.example:99999/x",
        "https://hooks.example:25/x",  # a subscription made before ports were checked
        "https://hooks.example:6697/x",
    ],
)
def test_production_refuses_what_is_not_a_valid_https_url_for_good(url):
    with pytest.raises(SendFailed, match=r"^refused") as failure:
        listeners.deliver(
            url, b"{}", {}, resolver=Resolver({HOST: [[PUBLIC]]}), allow_internal=False
        )
    assert failure.value.permanent
