"""Python client of the shardline feeder.

``FeedRequest`` and ``FeedCursor`` need nothing but Python; ``FeederClient`` needs pyarrow; ``FeederDataset``
and ``FeederDataLoader`` need pyarrow and torch. Each is imported when first used.
"""

from .request import FeedCursor, FeedRequest

__all__ = ["FeedCursor", "FeedRequest", "FeederClient", "FeederError", "Plan", "FeederDataset", "FeederDataLoader",
           "to_tensors"]

_LAZY = {
    "FeederClient": "client", "FeederError": "client", "Plan": "client",
    "FeederDataset": "dataset", "FeederDataLoader": "dataset", "to_tensors": "tensors",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'shardline_feeder' has no attribute '{name}'")
