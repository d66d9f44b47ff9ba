"""Python client of the shardline feeder. ``FeederDataset`` needs pyarrow and torch; ``request`` needs neither."""

from .request import FeedCursor, FeedRequest

__all__ = ["FeedCursor", "FeedRequest", "FeederDataset"]


def __getattr__(name):
    if name == "FeederDataset":
        from .dataset import FeederDataset
        return FeederDataset
    raise AttributeError(name)
