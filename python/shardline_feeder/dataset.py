"""PyTorch datasets over the feeder: ``FeederDataset`` and the ``FeederDataLoader`` that counts steps for it.

The feeder computes the order, each rank's share and the resume point; this module asks for its rank's
ticket, reads the batches and turns Arrow columns into tensors. Its one piece of state is the number of
global batches the training loop has taken in the current epoch: ``state_dict`` is the feeder's cursor
after them.
"""

import multiprocessing
from dataclasses import replace
from typing import Dict, Iterable, Iterator, List, Optional

import torch.distributed as dist
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from .client import FeederClient, Plan
from .request import FeedCursor, FeedRequest, resolve_rank
from .tensors import to_tensors


class FeederDataset(IterableDataset):
    """Yields this rank's batches of one epoch, one dict of column -> tensor (or list) per training step.

    Batches are formed by the feeder (``batch_size`` rows per rank, ``world_size x batch_size`` per step), so
    iterate it directly or through :class:`FeederDataLoader`; a plain ``DataLoader(dataset, batch_size=None)``
    works with ``num_workers=0``.

    Epochs: an iteration that runs to the end moves the dataset to the next epoch; ``set_epoch(e)`` picks one.
    Resume: ``state_dict()`` after k steps, then ``load_state_dict()`` in a new process (even with another world
    size, the same global batch) continues with exactly the samples not yet taken. The step is counted when a
    batch is handed to the training loop, so a state taken inside the loop, after the batch arrived, resumes
    with the next batch.
    """

    def __init__(self, location: str, dataset: str, table: str, batch_size: int, *, columns: Optional[List[str]] = None,
                 seed: int = 0, epoch: int = 0, version: int = 0, shuffle_window: int = 0, drop_last: bool = True,
                 rank: Optional[int] = None, world_size: Optional[int] = None, token: Optional[str] = None,
                 tls_root_certs: Optional[bytes] = None, decode_images: Iterable[str] = (), transport: str = "auto",
                 job: Optional[str] = None):
        super().__init__()
        self.location = location
        self.rank, self.world_size = resolve_rank(rank, world_size, dist)
        self.request = FeedRequest(dataset=dataset, table=table, batch_size=batch_size, world_size=self.world_size,
                                   version=version, columns=list(columns or []), seed=seed, epoch=epoch,
                                   shuffle_window=shuffle_window, drop_last=drop_last, job=job)
        self.token = token
        self.tls_root_certs = tls_root_certs
        self.decode_images = tuple(decode_images)
        self.transport = transport
        self._steps = 0
        self._in_loader = False

    def _client(self) -> FeederClient:
        return FeederClient(self.location, token=self.token, tls_root_certs=self.tls_root_certs, transport=self.transport)

    def pin(self, client: Optional[FeederClient] = None) -> Plan:
        """Asks the feeder for the plan of the rest of this epoch; pins its version and shuffle window."""
        self._settle()
        if client is None:
            with self._client() as own:
                return self.pin(own)
        plan = client.plan(self.request)
        if self.world_size > len(plan.locations):
            raise RuntimeError(f"the feeder planned {len(plan.locations)} ranks for world size {self.world_size}")
        self.request = replace(plan.request, worker=0, num_workers=1)
        return plan

    def set_epoch(self, epoch: int) -> None:
        """Starts ``epoch`` from its beginning; the version stays the pinned one."""
        self.request = replace(self.request, epoch=epoch, consumed=0)
        self._steps = 0

    def _settle(self) -> None:
        """Folds the steps taken into the request, so that the next iteration continues after them."""
        if self._steps:
            self.request = self.request.advanced(self._steps)
            self._steps = 0

    def _epoch_done(self) -> None:
        self.set_epoch(self.request.epoch + 1)

    def __iter__(self) -> Iterator[Dict[str, object]]:
        worker = get_worker_info()
        if worker is not None and not self._in_loader:
            raise RuntimeError(
                "FeederDataset is being read by DataLoader workers: use "
                "shardline_feeder.FeederDataLoader(dataset, num_workers=N) instead of torch's DataLoader. Each "
                "worker then reads a disjoint part of this rank's batches, and the loader's state_dict() counts the "
                "batches the training loop took (a plain DataLoader's workers hold copies of the dataset, whose "
                "counts the main process never sees).")
        with self._client() as client:
            if worker is None:
                plan = self.pin(client)
                request = self.request.with_rank(self.rank)
            else:
                request = self.request.with_rank(self.rank).with_worker(worker.id, worker.num_workers)
                plan = client.plan(request)
            for batch in client.batches(request, plan.locations[self.rank]):
                if worker is None:
                    self._steps += 1  # counted before the training loop sees the batch
                yield to_tensors(batch, self.decode_images)
        if worker is None:
            self._epoch_done()

    def state_dict(self) -> dict:
        """The cursor after the steps taken so far in this epoch (every rank has taken as many)."""
        return self.request.cursor_after(self._steps).to_dict()

    def load_state_dict(self, state: dict) -> None:
        """Continues from a cursor; the next iteration starts with the first sample not yet taken."""
        self.request = self.request.resume(FeedCursor.from_dict(state))
        self._steps = 0


class FeederDataLoader(DataLoader):
    """A ``DataLoader`` for a :class:`FeederDataset`, exact with any number of workers.

    With ``num_workers=N`` each worker streams every N-th batch of this rank (worker w: batches w, w + N, ...),
    and the loader hands them out in order, so the training loop sees the same batches as with one process.
    The loader counts the batches it hands out: its ``state_dict()`` is exact whatever the workers have
    prefetched. Batches are formed by the feeder, so ``batch_size`` is always None here.

    Workers start with ``forkserver`` (``spawn`` where that is missing) unless ``multiprocessing_context`` says
    otherwise: gRPC, under Arrow Flight, is not safe to fork once the parent has made a connection, and a
    forked worker can then hang in its first call.
    """

    def __init__(self, dataset: FeederDataset, num_workers: int = 0, **kwargs):
        if not isinstance(dataset, FeederDataset):
            raise TypeError(f"FeederDataLoader reads a FeederDataset, not {type(dataset).__name__}")
        if kwargs.pop("batch_size", None) is not None:
            raise ValueError("batches are formed by the feeder: set batch_size on the FeederDataset")
        if kwargs.get("persistent_workers"):
            raise ValueError("persistent_workers=True would keep the workers' copies of the dataset at their first "
                             "epoch and cursor: leave it off (workers restart each epoch and reconnect in milliseconds)")
        if num_workers > 0 and kwargs.get("multiprocessing_context") is None:
            methods = multiprocessing.get_all_start_methods()
            kwargs["multiprocessing_context"] = "forkserver" if "forkserver" in methods else "spawn"
        dataset._in_loader = True
        super().__init__(dataset, batch_size=None, num_workers=num_workers, **kwargs)

    def __iter__(self):
        data: FeederDataset = self.dataset
        if self.num_workers == 0:
            yield from super().__iter__()
            return
        data.pin()  # in this process, so that the workers' copies and the cursor agree on version and window
        for batch in super().__iter__():
            data._steps += 1
            yield batch
        data._epoch_done()

    def set_epoch(self, epoch: int) -> None:
        self.dataset.set_epoch(epoch)

    def state_dict(self) -> dict:
        return self.dataset.state_dict()

    def load_state_dict(self, state: dict) -> None:
        self.dataset.load_state_dict(state)
