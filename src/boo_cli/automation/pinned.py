"""An httpx transport that connects only to addresses checked beforehand (automation/addresses.py).

The webhook runner checks a hop's host, then records its vetted addresses in `pins` under
(host, port). The transport connects to one of those addresses and nothing else: the URL, the Host
header and the TLS server name (SNI, certificate check) stay the host's name, so HTTPS works as usual,
and no second DNS lookup happens at connect time that a rebinding name could answer differently. A
host without a pin is refused: the check cannot be skipped by accident.

Proxies from the environment (HTTP_PROXY, …) are not used: through a proxy the proxy would resolve
the name, out of reach of the check.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpcore
import httpx

from boo_cli.automation.addresses import Refused

Pins = dict[tuple[str, int], list[str]]


class PinnedBackend(httpcore.NetworkBackend):
    def __init__(self, pins: Pins) -> None:
        self.pins = pins
        self._system = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = self.pins.get((host, port))
        if not addresses:
            raise Refused(f"{host} was not checked before connecting", host)
        failure: Exception | None = None
        for address in addresses:
            try:
                return self._system.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure  # type: ignore[misc]  # addresses is not empty

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise Refused(f"{path} is a Unix socket", path)

    def sleep(self, seconds: float) -> None:
        self._system.sleep(seconds)


class PinnedTransport(httpx.BaseTransport):
    """Errors of the connection come out as httpcore's exceptions (ConnectError, ReadTimeout, …)."""

    def __init__(self, pins: Pins) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=PinnedBackend(pins),
            max_connections=4,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._pool.handle_request(
            httpcore.Request(
                method=request.method,
                url=httpcore.URL(
                    scheme=request.url.raw_scheme,
                    host=request.url.raw_host,
                    port=request.url.port,
                    target=request.url.raw_path,
                ),
                headers=request.headers.raw,
                content=request.stream,
                extensions=request.extensions,
            )
        )
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Stream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _Stream(httpx.SyncByteStream):
    def __init__(self, stream) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        if hasattr(self._stream, "close"):
            self._stream.close()
