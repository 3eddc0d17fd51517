"""An httpx transport that connects only to addresses vetted beforehand (app/api/addresses.py).

The request keeps its URL, so the Host header, the TLS server name (SNI) and the
certificate check all use the subscriber's host name; only the TCP connection is made to
the vetted address instead of to whatever a second DNS lookup would answer. This is
httpcore's documented extension point (a ``network_backend`` for a ``ConnectionPool``);
nothing global (the socket module, the resolver) is patched.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Sequence

import httpcore
import httpx

#: httpcore's errors as the httpx errors a caller of httpx expects.
_ERRORS: dict[type[Exception], type[httpx.TransportError]] = {
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.ProxyError: httpx.ProxyError,
}


class PinnedBackend(httpcore.NetworkBackend):
    """Opens TCP connections for ``host`` to ``addresses`` only, in order, and nothing else."""

    def __init__(
        self, host: str, addresses: Sequence[str], inner: httpcore.NetworkBackend | None = None
    ) -> None:
        """``inner`` makes the real connections (httpcore's own by default)."""
        self.host = host
        self.addresses = list(addresses)
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """A connection to the first vetted address that answers; another host is refused."""
        if host != self.host:
            raise httpcore.ConnectError(f"{host} was not vetted for this delivery")
        failure: Exception = httpcore.ConnectError(f"{host} has no vetted address")
        for address in self.addresses:
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        """Never: deliveries leave by TCP to a vetted address."""
        raise httpcore.ConnectError("deliveries never use a Unix socket")

    def sleep(self, seconds: float) -> None:
        """As the inner backend sleeps."""
        self.inner.sleep(seconds)


class PinnedTransport(httpx.BaseTransport):
    """Sends a request to ``host`` over a connection to one of ``addresses``.

    Only the status and headers of the answer are read; the body is dropped unread, so a
    subscriber cannot make a worker hold a large answer in memory.
    """

    def __init__(
        self,
        host: str,
        addresses: Sequence[str],
        *,
        verify: ssl.SSLContext | bool = True,
        inner: httpcore.NetworkBackend | None = None,
    ) -> None:
        """``verify`` as httpx takes it (certificates are checked against ``host``)."""
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=1,
            network_backend=PinnedBackend(host, addresses, inner),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; httpcore's errors come back as httpx's."""
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.read(),
            extensions=request.extensions,
        )
        try:
            answer = self._pool.handle_request(core)
            answer.close()
        except Exception as error:
            for kind, mapped in _ERRORS.items():
                if isinstance(error, kind):
                    raise mapped(str(error), request=request) from error
            raise
        return httpx.Response(
            status_code=answer.status, headers=answer.headers, extensions=answer.extensions
        )

    def close(self) -> None:
        """Close the pool's connection."""
        self._pool.close()
