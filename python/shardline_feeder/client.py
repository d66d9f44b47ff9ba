"""The feeder's Flight protocol from Python, with pyarrow alone (no torch).

A training rank asks for a plan (GetFlightInfo with a request without a rank): the feeder pins the dataset
version and the shuffle window and answers one endpoint per rank. The rank then reads its endpoint's ticket
(DoGet): one Arrow record batch per training step, in order.
"""

from dataclasses import dataclass, replace
from typing import Iterator, List, Optional

import pyarrow as pa
import pyarrow.flight as flight

from .request import FeedRequest


class FeederError(RuntimeError):
    """The feeder refused a request or failed a stream; the message is the feeder's own (it names the shard)."""


@dataclass(frozen=True)
class Plan:
    """What GetFlightInfo answered: the request as the feeder pinned it, and where each rank reads."""

    request: FeedRequest
    """Version and shuffle window pinned, rank -1: what a cursor refers to."""
    locations: List[Optional[str]]
    """Per rank, the feeder instance to read from (None: the one that answered)."""
    samples: int
    """Samples the ranks receive together in this (remaining) epoch, after drop-last or padding."""
    epoch_samples: int
    """Samples in the whole epoch, before drop-last or padding."""
    schema: pa.Schema


class FeederClient:
    """A connection to one feeder instance; close it (or use ``with``) when done.

    ``token`` is sent as ``authorization: Bearer <token>``; ``tls_root_certs`` (PEM bytes) trusts a private
    CA for ``grpc+tls://`` locations.
    """

    def __init__(self, location: str, *, token: Optional[str] = None, tls_root_certs: Optional[bytes] = None):
        self.location = location
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
        locations = [e.locations[0].uri.decode() if e.locations else None for e in info.endpoints]
        epoch = int(info.app_metadata.decode()) if info.app_metadata else info.total_records
        return Plan(pinned, locations, info.total_records, epoch, info.schema)

    def batches(self, request: FeedRequest, location: Optional[str] = None) -> Iterator[pa.RecordBatch]:
        """Streams one rank's batches (a ticket: a pinned request with its rank). Stopping early cancels the stream."""
        if request.rank < 0:
            raise ValueError("a stream is for one rank: take the request from plan() and set its rank")
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
