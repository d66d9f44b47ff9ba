"""A PyTorch IterableDataset that reads one rank's share of an epoch from a shardline feeder.

Thin on purpose: the feeder computes the order, the rank's share and the resume point; this client asks for
its ticket (GetFlightInfo), reads the batches (DoGet) and turns Arrow columns into tensors.
"""

from dataclasses import replace
from typing import Dict, Iterator, List, Optional

import numpy as np
import pyarrow as pa
import pyarrow.flight as flight
import torch
import torch.distributed as dist
from torch.utils.data import IterableDataset

from .request import FeedCursor, FeedRequest, resolve_rank


def _column_to_tensor(column: pa.Array):
    """Numbers become tensors; lists of numbers of one length a 2-D tensor; strings and bytes stay Python lists."""
    t = column.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) or pa.types.is_timestamp(t):
        if column.null_count:
            return column.to_pylist()
        values = column.cast(pa.int64()) if pa.types.is_timestamp(t) else column
        return torch.from_numpy(values.to_numpy(zero_copy_only=False).copy())
    if pa.types.is_list(t) and (pa.types.is_integer(t.value_type) or pa.types.is_floating(t.value_type)):
        offsets = column.offsets.to_numpy()
        lengths = np.diff(offsets)
        if column.null_count == 0 and len(lengths) and (lengths == lengths[0]).all():
            flat = column.flatten().to_numpy(zero_copy_only=False)
            return torch.from_numpy(flat.reshape(len(column), int(lengths[0])).copy())
        return [torch.from_numpy(np.asarray(v)) if v is not None else None for v in column.to_pylist()]
    return column.to_pylist()


class FeederDataset(IterableDataset):
    """Yields one dict of column -> tensor (or list) per training step: this rank's batch.

    Use it with ``DataLoader(dataset, batch_size=None)`` (batches are already formed). Call ``set_epoch`` before
    each epoch. ``state_dict`` after k steps and ``load_state_dict`` in a new process (even with another world
    size and the same global batch) continue the epoch exactly where it stopped.
    """

    def __init__(self, location: str, dataset: str, table: str, batch_size: int, *, columns: Optional[List[str]] = None,
                 seed: int = 0, version: int = 0, shuffle_window: int = 0, drop_last: bool = True,
                 rank: Optional[int] = None, world_size: Optional[int] = None, token: Optional[str] = None,
                 tls_root_certs: Optional[bytes] = None):
        super().__init__()
        self.location = location
        self.rank, self.world_size = resolve_rank(rank, world_size, dist)
        self.request = FeedRequest(dataset=dataset, table=table, batch_size=batch_size, world_size=self.world_size,
                                   version=version, columns=list(columns or []), seed=seed,
                                   shuffle_window=shuffle_window, drop_last=drop_last)
        self.token = token
        self.tls_root_certs = tls_root_certs
        self._steps = 0
        self._pinned: Optional[FeedRequest] = None

    def _client(self, location: str) -> flight.FlightClient:
        kwargs = {"tls_root_certs": self.tls_root_certs} if self.tls_root_certs else {}
        return flight.FlightClient(location, **kwargs)

    def _options(self) -> flight.FlightCallOptions:
        headers = [(b"authorization", b"Bearer " + self.token.encode())] if self.token else []
        return flight.FlightCallOptions(headers=headers)

    def set_epoch(self, epoch: int) -> None:
        """Starts the given epoch from its beginning (the version stays pinned once it was)."""
        base = self._pinned or self.request
        self.request = replace(base, epoch=epoch, consumed=0, rank=-1)
        self._pinned = None
        self._steps = 0

    def __iter__(self) -> Iterator[Dict[str, object]]:
        client = self._client(self.location)
        info = client.get_flight_info(flight.FlightDescriptor.for_command(self.request.with_rank(-1).to_json()), self._options())
        endpoint = info.endpoints[self.rank]
        # The ticket is the request as the server pinned it (version, shuffle window): what a cursor refers to.
        self._pinned = FeedRequest.from_json(endpoint.ticket.ticket).with_rank(-1)
        reader_client = client if not endpoint.locations else self._client(endpoint.locations[0].uri.decode())
        reader = reader_client.do_get(endpoint.ticket, self._options())
        self._steps = 0
        for chunk in reader:
            batch = chunk.data
            yield {name: _column_to_tensor(batch.column(i)) for i, name in enumerate(batch.schema.names)}
            self._steps += 1

    def state_dict(self) -> dict:
        """The cursor after the steps taken so far (every rank has taken as many)."""
        pinned = self._pinned or self.request
        return pinned.cursor_after(self._steps).to_dict()

    def load_state_dict(self, state: dict) -> None:
        """Continues from a cursor; the next ``iter()`` starts with the first sample not yet consumed."""
        cursor = FeedCursor.from_dict(state)
        self.request = self.request.resume(cursor)
        self._pinned = None
        self._steps = 0
