"""The feeder's Flight protocol from Python, with pyarrow alone (no torch).

A training rank asks for a plan (GetFlightInfo with a request without a rank): the feeder pins the dataset
version and the shuffle window and answers one endpoint per rank. The rank then reads its endpoint's ticket
(DoGet): one Arrow record batch per training step, in order.
"""

import socket
import ssl
from dataclasses import dataclass, replace
from typing import Iterator, List, Optional, Sequence
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.flight as flight

from .request import FeedRequest


_IPC_READ_BUFFER = 1 << 20
_MAX_LINE = 64 * 1024
_TRAILER = "shardline-stream: "


class FeederError(RuntimeError):
    """The feeder refused a request or failed a stream; the message is the feeder's own (it names the shard)."""


@dataclass(frozen=True)
class Plan:
    """What GetFlightInfo answered: the request as the feeder pinned it, and where each rank reads."""

    request: FeedRequest
    """Version and shuffle window pinned, rank -1: what a cursor refers to."""
    locations: List[List[str]]
    """Per rank, where its ticket can be read: a Flight location, then (when offered) an Arrow IPC data plane
    location; empty: at the instance that answered."""
    samples: int
    """Samples the ranks receive together in this (remaining) epoch, after drop-last or padding."""
    epoch_samples: int
    """Samples in the whole epoch, before drop-last or padding."""
    schema: pa.Schema


class FeederClient:
    """A connection to one feeder instance; close it (or use ``with``) when done.

    ``token`` is sent as ``authorization: Bearer <token>``; ``tls_root_certs`` (PEM bytes) trusts a private
    CA for ``grpc+tls://`` locations.

    ``transport`` picks how batches travel: ``"auto"`` (the default) reads from the feeder's Arrow IPC data plane
    (an Arrow IPC stream over HTTP/1.1, without gRPC's framing) when the plan offers it, else over Flight;
    ``"flight"`` always over Flight (DoGet); ``"ipc"`` only over the IPC data plane. The plan and the batches
    are the same either way.
    """

    TRANSPORTS = ("auto", "flight", "ipc")

    def __init__(self, location: str, *, token: Optional[str] = None, tls_root_certs: Optional[bytes] = None,
                 transport: str = "auto"):
        if transport not in self.TRANSPORTS:
            raise ValueError(f"transport must be one of {self.TRANSPORTS}, was {transport!r}")
        self.location = location
        self.transport = transport
        self._token = token
        self._tls_root_certs = tls_root_certs
        self._client = self._connect(location)
        self._others = {}

    def _connect(self, location: str) -> flight.FlightClient:
        kwargs = {"tls_root_certs": self._tls_root_certs} if self._tls_root_certs else {}
        return flight.FlightClient(location, **kwargs)

    def _options(self) -> flight.FlightCallOptions:
        headers = [(b"authorization", b"Bearer " + self._token.encode())] if self._token else []
        return flight.FlightCallOptions(headers=headers)

    def plan(self, request: FeedRequest) -> Plan:
        """Pins the request's version and shuffle window and returns where each rank reads."""
        try:
            info = self._client.get_flight_info(flight.FlightDescriptor.for_command(request.with_rank(-1).to_json()),
                                                self._options())
        except pa.ArrowException as e:
            raise FeederError(_describe(e)) from e
        first = FeedRequest.from_json(info.endpoints[0].ticket.ticket) if info.endpoints else request
        pinned = replace(first, rank=-1, worker=request.worker, num_workers=request.num_workers)
        locations = [[loc.uri.decode() for loc in e.locations] for e in info.endpoints]
        epoch = int(info.app_metadata.decode()) if info.app_metadata else info.total_records
        return Plan(pinned, locations, info.total_records, epoch, info.schema)

    def batches(self, request: FeedRequest, locations: Sequence[str] = ()) -> Iterator[pa.RecordBatch]:
        """Streams one rank's batches (a ticket: a pinned request with its rank) from one of ``locations`` (a
        rank's entry of ``Plan.locations``; empty: this client's feeder). Stopping early cancels the stream."""
        if request.rank < 0:
            raise ValueError("a stream is for one rank: take the request from plan() and set its rank")
        if isinstance(locations, str):
            locations = [locations]
        ipc = [loc for loc in locations if loc.startswith(("http://", "https://"))]
        grpc = [loc for loc in locations if not loc.startswith(("http://", "https://"))]
        if self.transport == "ipc" and not ipc:
            raise FeederError("the feeder offers no Arrow IPC data plane for this stream (shardline.feeder.ipc-port is off):"
                              " use transport='flight'")
        if ipc and self.transport != "flight":
            return self._ipc_batches(ipc[0], request)
        return self._flight_batches(request, grpc[0] if grpc else None)

    def _flight_batches(self, request: FeedRequest, location: Optional[str]) -> Iterator[pa.RecordBatch]:
        client = self._client if location in (None, self.location) else self._other(location)
        try:
            reader = client.do_get(flight.Ticket(request.to_json()), self._options())
        except pa.ArrowException as e:
            raise FeederError(_describe(e)) from e
        finished = False
        try:
            while True:
                try:
                    chunk = reader.read_chunk()
                except StopIteration:
                    finished = True
                    return
                except pa.ArrowException as e:
                    finished = True
                    raise FeederError(_describe(e)) from e
                yield chunk.data
        finally:
            if not finished:
                reader.cancel()

    def _ipc_batches(self, url: str, request: FeedRequest) -> Iterator[pa.RecordBatch]:
        """POST the ticket, then read the response body as an Arrow IPC stream and its trailer line."""
        where = urlsplit(url)
        body = request.to_json()
        head = (f"POST {where.path or '/'} HTTP/1.1\r\nHost: {where.hostname}:{where.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n")
        if self._token:
            head += f"Authorization: Bearer {self._token}\r\n"
        try:
            sock = socket.create_connection((where.hostname, where.port), timeout=30)
        except OSError as e:
            raise FeederError(f"cannot reach the feeder's IPC data plane at {url}: {e}") from e
        if where.scheme == "https":
            # The same trust as for grpc+tls: the given CA, else the system's.
            context = ssl.create_default_context(cadata=self._tls_root_certs.decode("ascii") if self._tls_root_certs else None)
            try:
                sock = context.wrap_socket(sock, server_hostname=where.hostname)
            except (ssl.SSLError, OSError) as e:
                sock.close()
                raise FeederError(f"TLS with the feeder's IPC data plane at {url} failed: {e}") from e
        sock.settimeout(None)  # a cold feeder may take a while to load the first shards
        stream = sock.makefile("rb", buffering=_IPC_READ_BUFFER)
        try:
            sock.sendall(head.encode("latin-1") + b"\r\n" + body)
            status_line = stream.readline(_MAX_LINE).decode("latin-1")
            parts = status_line.split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
                raise FeederError(f"not an HTTP answer from {url}: {status_line.strip()!r}")
            while stream.readline(_MAX_LINE) not in (b"\r\n", b"\n", b""):
                pass
            if parts[1] != "200":
                raise FeederError(stream.read(_MAX_LINE).decode("utf-8", "replace").strip() or status_line.strip())
            try:
                reader = pa.ipc.open_stream(stream)
                for batch in reader:
                    yield batch
            except (pa.ArrowException, OSError) as e:
                raise FeederError(f"the stream from {url} broke off (a feeder drops a client that reads nothing for its"
                                  f" stall timeout, shardline.feeder.stall-timeout, and ends streams when it stops): {e}") from e
            trailer = stream.read(_MAX_LINE).decode("utf-8", "replace").strip()
            if trailer != _TRAILER + "complete":
                reason = trailer[len(_TRAILER):] if trailer.startswith(_TRAILER) else f"no end marker ({trailer[:200]!r})"
                raise FeederError(reason[len("failed "):] if reason.startswith("failed ") else reason)
        finally:
            stream.close()
            sock.close()

    def _other(self, location: str) -> flight.FlightClient:
        if location not in self._others:
            self._others[location] = self._connect(location)
        return self._others[location]

    def close(self) -> None:
        for c in [self._client, *self._others.values()]:
            c.close()
        self._others.clear()

    def __enter__(self) -> "FeederClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _describe(e: Exception) -> str:
    # pyarrow prefixes gRPC's detail with its own words; keep the feeder's message first.
    text = str(e)
    for marker in ("Flight returned internal error, with message: ", "Flight returned invalid argument error, with message: "):
        text = text.replace(marker, "")
    return text.split(". Detail:")[0].split(". gRPC client debug context:")[0]
