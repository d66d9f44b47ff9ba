"""The client's request and cursor arithmetic; runs with a bare python3 (no pyarrow, no torch)."""

import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shardline_feeder.request import FeedCursor, FeedRequest, REQUEST_FIELDS, resolve_rank  # noqa: E402


class FakeDist:
    def __init__(self, initialized, rank=0, world=1):
        self.initialized, self.rank, self.world = initialized, rank, world

    def is_available(self):
        return True

    def is_initialized(self):
        return self.initialized

    def get_rank(self):
        return self.rank

    def get_world_size(self):
        return self.world


class RequestTest(unittest.TestCase):

    def test_json_has_exactly_the_server_fields(self):
        r = FeedRequest(dataset="images", table="image", batch_size=32, world_size=8, rank=3, seed=42, epoch=2, job="llm/run-1")
        body = json.loads(r.to_json())
        self.assertEqual(tuple(body), REQUEST_FIELDS)
        self.assertEqual(FeedRequest.from_json(r.to_json()), r)
        # Without a job the field is left out, as the server leaves it out of the tickets it writes.
        anonymous = FeedRequest(dataset="images", table="image", batch_size=32)
        self.assertEqual(tuple(json.loads(anonymous.to_json())), tuple(f for f in REQUEST_FIELDS if f != "job"))
        self.assertEqual(FeedRequest.from_json(anonymous.to_json()), anonymous)
        with self.assertRaises(ValueError):
            FeedRequest.from_json(b'{"dataset": "d", "table": "t", "batch_size": 1, "shuffle": 1}')

    def test_cursor_counts_global_batches_and_resumes_on_another_world_size(self):
        eight = FeedRequest(dataset="d", table="image", batch_size=12, world_size=8, version=5, seed=9, epoch=4,
                            shuffle_window=8192)
        cursor = eight.cursor_after(3)
        self.assertEqual(cursor.consumed, 3 * 96)
        twelve = FeedRequest(dataset="d", table="image", batch_size=8, world_size=12).resume(
            FeedCursor.from_dict(cursor.to_dict()))
        self.assertEqual((twelve.version, twelve.seed, twelve.epoch, twelve.shuffle_window, twelve.consumed),
                         (5, 9, 4, 8192, 288))
        self.assertEqual(twelve.cursor_after(5).consumed, 288 + 5 * 96)
        with self.assertRaises(ValueError):
            FeedRequest(dataset="other", table="image", batch_size=8, world_size=12).resume(cursor)

    def test_invalid_requests_are_refused(self):
        for bad in ({"world_size": 0}, {"rank": 4, "world_size": 4}, {"batch_size": 0}, {"consumed": -1}):
            with self.assertRaises(ValueError):
                FeedRequest(**{"dataset": "d", "table": "t", "batch_size": 1, **bad})

    def test_rank_from_arguments_then_torch_distributed_then_single(self):
        self.assertEqual(resolve_rank(2, 4, FakeDist(True, 7, 8)), (2, 4))
        self.assertEqual(resolve_rank(None, None, FakeDist(True, 7, 8)), (7, 8))
        self.assertEqual(resolve_rank(None, None, FakeDist(False)), (0, 1))
        self.assertEqual(resolve_rank(None, None, None), (0, 1))


if __name__ == "__main__":
    unittest.main()
