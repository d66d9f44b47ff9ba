"""The feeder's request and cursor, in plain Python (no pyarrow, no torch), so they can be tested anywhere.

The server decides every ordering question; this module only builds the JSON it expects and keeps the
cursor arithmetic: after ``steps`` global batches, ``consumed = start + steps * world_size * batch_size``.
"""

import json
from dataclasses import dataclass, field, asdict, replace
from typing import List, Optional

# The JSON fields of a request, exactly as the server's FeedRequest names them (a Java test checks this).
REQUEST_FIELDS = (
    "dataset", "version", "table", "columns", "seed", "epoch", "world_size", "rank",
    "batch_size", "shuffle_window", "drop_last", "consumed", "worker", "num_workers", "job",
)

# The JSON fields of a cursor, as the server's FeedCursor names them.
CURSOR_FIELDS = ("dataset", "version", "table", "seed", "epoch", "shuffle_window", "consumed")


@dataclass(frozen=True)
class FeedRequest:
    """One rank's share of one epoch of a pinned dataset version (see the project README)."""

    dataset: str
    table: str
    batch_size: int
    world_size: int = 1
    rank: int = -1
    version: int = 0
    columns: List[str] = field(default_factory=list)
    seed: int = 0
    epoch: int = 0
    shuffle_window: int = 0
    drop_last: bool = True
    consumed: int = 0
    worker: int = 0
    num_workers: int = 1
    # The training job this request is part of: the feeder reports its consumption per job (metrics, and the
    # consumption topic the ingest side reads). None: counted under "unnamed".
    job: Optional[str] = None

    def __post_init__(self):
        if self.world_size < 1:
            raise ValueError(f"world_size must be >= 1, was {self.world_size}")
        if not -1 <= self.rank < self.world_size:
            raise ValueError(f"rank must be in [0, {self.world_size}), was {self.rank}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, was {self.batch_size}")
        if self.consumed < 0 or self.epoch < 0:
            raise ValueError("epoch and consumed must be >= 0")
        if self.num_workers < 1 or not 0 <= self.worker < self.num_workers:
            raise ValueError(f"worker must be in [0, num_workers), was {self.worker} of {self.num_workers}")

    @property
    def global_batch(self) -> int:
        return self.world_size * self.batch_size

    def to_json(self) -> bytes:
        body = asdict(self)
        # Absent rather than null when unset, as the server writes it.
        return json.dumps({k: body[k] for k in REQUEST_FIELDS if k != "job" or body[k] is not None},
                          separators=(",", ":")).encode("utf-8")

    @staticmethod
    def from_json(data: bytes) -> "FeedRequest":
        body = json.loads(data.decode("utf-8"))
        unknown = set(body) - set(REQUEST_FIELDS)
        if unknown:
            raise ValueError(f"unknown request fields {sorted(unknown)}")
        return FeedRequest(**body)

    def with_rank(self, rank: int) -> "FeedRequest":
        return replace(self, rank=rank)

    def with_worker(self, worker: int, num_workers: int) -> "FeedRequest":
        """The stream of one data-loading worker: it receives the rank's batches worker, worker + num_workers, ..."""
        return replace(self, worker=worker, num_workers=num_workers)

    def advanced(self, steps: int) -> "FeedRequest":
        """This request, ``steps`` global batches further into its epoch."""
        return replace(self, consumed=self.consumed + steps * self.global_batch)

    def cursor_after(self, steps: int) -> "FeedCursor":
        """Where the job stands after ``steps`` more global batches of this request."""
        return FeedCursor(self.dataset, self.version, self.table, self.seed, self.epoch, self.shuffle_window,
                          self.consumed + steps * self.global_batch)

    def resume(self, cursor: "FeedCursor") -> "FeedRequest":
        """This request continued from a cursor: same version, seed, epoch and window; world size may differ."""
        if (cursor.dataset, cursor.table) != (self.dataset, self.table):
            raise ValueError(f"cursor is for {cursor.dataset}/{cursor.table}, not {self.dataset}/{self.table}")
        return replace(self, version=cursor.version, seed=cursor.seed, epoch=cursor.epoch,
                       shuffle_window=cursor.shuffle_window, consumed=cursor.consumed)


@dataclass(frozen=True)
class FeedCursor:
    """Samples of an epoch consumed by all ranks together, with what fixes the epoch's order."""

    dataset: str
    version: int
    table: str
    seed: int
    epoch: int
    shuffle_window: int
    consumed: int

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict) -> "FeedCursor":
        return FeedCursor(**{k: d[k] for k in CURSOR_FIELDS})


def resolve_rank(rank: Optional[int], world_size: Optional[int], dist=None):
    """Rank and world size: given ones win, else torch.distributed's when it is initialized, else (0, 1)."""
    if rank is not None and world_size is not None:
        return rank, world_size
    if dist is not None and dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1
