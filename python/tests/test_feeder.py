"""The Python client against a real feeder process: coverage, resume, ranks, workers, tensors, security, errors.

Every test reads from a feeder started by conftest.py (the built feeder in its own JVM) serving datasets
written by the feeder's test writer; ids and bytes are known, so every sample can be checked.
"""

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.flight as flight
import pytest
import torch
from torch.utils.data import DataLoader

from conftest import EXPECTED_IMAGES, REPO, ids_of, image_matches_id, run_python, wait_for
from shardline_feeder import FeedRequest, FeederClient, FeederDataLoader, FeederDataset, FeederError


TRANSPORTS = pytest.mark.parametrize("transport", ["flight", "ipc"])


def epoch_of(feeder, world, batch, *, seed=7, epoch=0, drop_last=True, columns=("id", "image"), **kw):
    """One epoch read by ``world`` ranks in turn: per rank, the list of its batches' ids."""
    out = []
    for rank in range(world):
        data = FeederDataset(feeder.location, "images", "image", batch, columns=list(columns), seed=seed, epoch=epoch,
                             rank=rank, world_size=world, drop_last=drop_last, **kw)
        batches = []
        for b in data:
            assert all(image_matches_id(img, i) for img, i in zip(b["image"], b["id"])), "image bytes of another row"
            batches.append(ids_of(b))
        out.append(batches)
    return out


def global_batches(per_rank):
    """Step k's samples over all ranks, as a set per step."""
    steps = len(per_rank[0])
    assert all(len(r) == steps for r in per_rank), "every rank takes as many steps"
    return [frozenset(i for r in per_rank for i in r[k]) for k in range(steps)]


@TRANSPORTS
@pytest.mark.parametrize("world", [1, 3, 8])
def test_every_sample_once_per_epoch_on_w_ranks(feeder, world, transport):
    batch = 7
    dropped = epoch_of(feeder, world, batch, drop_last=True, transport=transport)
    ids = [i for rank in dropped for b in rank for i in b]
    assert len(ids) == len(set(ids)) == (480 // (world * batch)) * world * batch
    padded = epoch_of(feeder, world, batch, drop_last=False, transport=transport)
    counts = Counter(i for rank in padded for b in rank for i in b)
    assert set(counts) == set(EXPECTED_IMAGES), "every sample of the epoch is served"
    extra = sum(counts.values()) - 480
    assert 0 <= extra < world * batch and sum(1 for c in counts.values() if c > 1) == extra


def test_same_seed_same_order_other_epoch_other_order(feeder):
    a = epoch_of(feeder, 2, 16, seed=3)
    assert a == epoch_of(feeder, 2, 16, seed=3, transport="flight") == epoch_of(feeder, 2, 16, seed=3, transport="ipc")
    assert a != epoch_of(feeder, 2, 16, seed=3, epoch=1)
    assert a != epoch_of(feeder, 2, 16, seed=4)


RESUME = r"""
import json, sys
from shardline_feeder import FeederDataset
location, state_in, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = FeederDataset(location, "images", "image", 10, columns=["id"], seed=11, rank=0, world_size=1)
if state_in != "-":
    data.load_state_dict(json.loads(state_in))
taken, state = [], None
for epoch_round in range(2):
    for batch in data:
        taken.append(list(batch["id"]))
        if len(taken) == steps:
            state = data.state_dict()  # inside the loop, after the batch arrived: the mid-epoch checkpoint
            break
    if state is not None:
        break
print(json.dumps({"taken": taken, "state": state if state is not None else data.state_dict()}))
"""


def test_state_dict_inside_the_loop_continues_exactly_in_a_new_process(feeder):
    whole = [ids_of(b) for b in FeederDataset(feeder.location, "images", "image", 10, columns=["id"], seed=11,
                                                rank=0, world_size=1)]
    assert len(whole) == 48
    first = json.loads(run_python(RESUME, feeder.location, "-", "5"))
    second = json.loads(run_python(RESUME, feeder.location, json.dumps(first["state"]), "20"))
    third = json.loads(run_python(RESUME, feeder.location, json.dumps(second["state"]), "23"))
    assert first["state"]["consumed"] == 50 and second["state"]["consumed"] == 250
    assert first["taken"] + second["taken"] + third["taken"] == whole, "no batch replayed, none skipped"
    # The last checkpoint was taken after the epoch's last batch: the resumed job finds the epoch done and
    # goes on with the next one, as an uninterrupted run would.
    assert third["state"]["consumed"] == 480
    fourth = json.loads(run_python(RESUME, feeder.location, json.dumps(third["state"]), "3"))
    next_epoch = FeederDataset(feeder.location, "images", "image", 10, columns=["id"], seed=11, epoch=1, rank=0,
                               world_size=1)
    assert fourth["taken"] == [ids_of(b) for _, b in zip(range(3), next_epoch)]
    assert fourth["state"]["epoch"] == 1 and fourth["state"]["consumed"] == 30


def test_a_finished_epoch_moves_on_and_state_names_the_next(feeder):
    data = FeederDataset(feeder.location, "images", "image", 60, columns=["id"], seed=1, rank=0, world_size=1)
    first = [ids_of(b) for b in data]
    assert data.state_dict()["epoch"] == 1 and data.state_dict()["consumed"] == 0
    second = [ids_of(b) for b in data]
    assert len(first) == len(second) == 8 and first != second
    assert sorted(sum(first, [])) == sorted(sum(second, [])) == sorted(EXPECTED_IMAGES)


def test_resume_on_8_then_12_then_4_ranks_gives_the_same_global_batches(feeder):
    def take(world, batch, state, steps):
        per_rank, states = [], []
        for rank in range(world):
            data = FeederDataset(feeder.location, "images", "image", batch, columns=["id"], seed=5, rank=rank,
                                 world_size=world)
            if state:
                data.load_state_dict(state)
            got = []
            for b in data:
                got.append(ids_of(b))
                if len(got) == steps:
                    break
            per_rank.append(got)
            states.append(data.state_dict())
        assert all(s == states[0] for s in states), "every rank's cursor is the same"
        return global_batches(per_rank), states[0]

    uninterrupted, _ = take(8, 6, None, 10 ** 6)
    assert len(uninterrupted) == 480 // 48
    a, state = take(8, 6, None, 2)
    b, state = take(12, 4, state, 3)
    c, state = take(4, 12, state, 10 ** 6)
    assert a + b + c == uninterrupted


def test_dataloader_workers_read_disjoint_parts_in_order_and_state_stays_exact(feeder):
    def loader(workers, **kw):
        data = FeederDataset(feeder.location, "images", "image", 8, columns=["id"], seed=2, rank=1, world_size=2, **kw)
        return FeederDataLoader(data, num_workers=workers)

    alone = [ids_of(b) for b in loader(0)]
    assert len(alone) == 480 // 16
    for workers in (2, 3):
        assert [ids_of(b) for b in loader(workers)] == alone, f"{workers} workers, same batches in the same order"
    # Resume from a state taken inside the loop of a loader with workers (which prefetch ahead of the loop).
    first = loader(3)
    taken = []
    for b in first:
        taken.append(ids_of(b))
        if len(taken) == 7:
            state = first.state_dict()
            break
    assert state["consumed"] == 7 * 16
    again = loader(2)
    again.load_state_dict(state)
    assert taken + [ids_of(b) for b in again] == alone
    assert again.state_dict()["epoch"] == 1, "a finished epoch moves the loader on"


def test_a_plain_dataloader_with_workers_is_refused_with_what_to_do(feeder):
    data = FeederDataset(feeder.location, "images", "image", 8, columns=["id"], rank=0, world_size=1)
    with pytest.raises(RuntimeError, match="FeederDataLoader"):
        next(iter(DataLoader(data, batch_size=None, num_workers=2)))
    # One process, a plain DataLoader: fine, and counted.
    plain = DataLoader(data, batch_size=None)
    assert len(list(plain)) == 60
    assert data.state_dict()["epoch"] == 1


def test_token_sequences_arrive_as_int_tensors(feeder):
    data = FeederDataset(feeder.location, "tokens", "text-tokens", 25, columns=["sequence_id", "tokens", "document_ids"],
                         rank=0, world_size=1)
    seen = 0
    for b in data:
        tokens = b["tokens"]
        assert isinstance(tokens, (list, torch.Tensor))
        rows = list(tokens) if isinstance(tokens, list) else list(tokens.unbind(0))
        for sid, t, docs in zip(b["sequence_id"], rows, b["document_ids"]):
            assert t.dtype == torch.int32
            s, r = (int(x[1:]) for x in sid.split("-"))
            assert docs[0] == f"doc-{s}-{r}"
            assert (len(t) == 0) == (r % 7 == 0), "every seventh row is empty"
            seen += 1
    assert seen == 200


def test_sensor_windows_arrive_as_float_tensors_of_window_by_channel(feeder):
    data = FeederDataset(feeder.location, "windows", "sensor-windows", 6, rank=0, world_size=1)
    seen = 0
    for b in data:
        values = b["values"]
        assert values.dtype == torch.float32 and tuple(values.shape) == (6, 16, 3)
        assert b["window_start"].dtype == torch.int64
        for device, start, v in zip(b["device_id"], b["window_start"].tolist(), values):
            s, r = int(device[4:]), (start - 1_764_000_000_000) // 60_000
            expected = np.array([[s * 1000 + r + t / 100 + c / 10 for c in range(3)] for t in range(16)], np.float32)
            np.testing.assert_allclose(v.numpy(), expected, rtol=1e-6)
            seen += 1
    assert seen == 60


def test_images_arrive_as_bytes_or_decoded_uint8_tensors(feeder):
    pytest.importorskip("PIL", reason="decoding needs Pillow, installed by the test set-up")
    raw = FeederDataset(feeder.location, "photos", "image", 8, columns=["id", "image"], rank=0, world_size=1)
    first = next(iter(raw))
    assert isinstance(first["image"][0], bytes) and first["image"][0][:2] == b"\xff\xd8"
    decoded = FeederDataset(feeder.location, "photos", "image", 8, columns=["id", "image", "label"], rank=0,
                            world_size=1, decode_images=["image"])
    seen = 0
    for b in decoded:
        images = b["image"]
        assert images.dtype == torch.uint8 and tuple(images.shape) == (8, 24, 32, 3)
        for sid, img in zip(b["id"], images):
            s, r = (int(x[1:]) for x in sid.split("-"))
            mean = img.float().mean(dim=(0, 1))
            assert abs(mean[0] - 8 * s) < 6 and abs(mean[1] - 4 * r) < 6 and abs(mean[2] - 200) < 6
            seen += 1
    assert seen == 48


@TRANSPORTS
def test_a_corrupt_shard_raises_an_error_that_names_it(feeder, transport):
    data = FeederDataset(feeder.location, "corrupt", "image", 10, columns=["id"], seed=1, rank=0, world_size=1,
                         transport=transport)
    served = []
    with pytest.raises(FeederError, match=r"shards/image/part-00005\.parquet") as e:
        for b in data:
            served += ids_of(b)
    assert "corrupt" in str(e.value)
    assert not any(i.startswith("s5-") for i in served), "no row of the corrupt shard is served"


def test_bad_requests_are_refused_with_the_reason(feeder):
    with FeederClient(feeder.location) as client:
        with pytest.raises(FeederError, match="no-such"):
            client.plan(FeedRequest(dataset="no-such", table="image", batch_size=4))
        with pytest.raises(pa.ArrowException, match="batch_size"):
            client._client.get_flight_info(flight.FlightDescriptor.for_command(b'{"dataset":"images","table":"image","world_size":1,"batch_size":0}'))
    with pytest.raises(ValueError, match="worker"):
        FeedRequest(dataset="images", table="image", batch_size=4, worker=3, num_workers=2)


def _self_signed(tmp_path):
    cert, key = tmp_path / "feeder.crt", tmp_path / "feeder.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    return cert, key


def test_bearer_token_and_tls_refuse_everything_else(start, tmp_path):
    cert, key = _self_signed(tmp_path)
    tokens = tmp_path / "tokens"
    tokens.write_text("s3cret-token-1\n")
    f = start({"tls.cert-chain": str(cert), "tls.private-key": str(key), "auth.tokens-file": str(tokens)})
    assert f.location.startswith("grpc+tls://")
    ca = cert.read_bytes()

    def read(token, transport, tls=True, location=None):
        data = FeederDataset(location or f.location, "images", "image", 40, columns=["id"], rank=0, world_size=1,
                             token=token, tls_root_certs=ca if tls else None, transport=transport)
        return sum(len(ids_of(b)) for b in data)

    with FeederClient(f.location, token="s3cret-token-1", tls_root_certs=ca) as client:
        plan = client.plan(FeedRequest(dataset="images", table="image", batch_size=40))
    assert plan.locations[0][1].startswith("https://"), "with TLS the IPC plane speaks HTTPS"
    for transport in ("flight", "ipc"):
        assert read("s3cret-token-1", transport) == 480
        for token in (None, "wrong-token"):
            with pytest.raises(FeederError) as e:
                read(token, transport)
            assert "s3cret" not in str(e.value)
        with pytest.raises(FeederError):
            read("s3cret-token-1", transport, tls=False)  # the system's CAs do not trust the test's certificate
    plaintext = f.location.replace("grpc+tls://", "grpc+tcp://")
    with pytest.raises((FeederError, flight.FlightError)):
        read("s3cret-token-1", "flight", tls=False, location=plaintext)
    with FeederClient(f.location, token="s3cret-token-1", transport="ipc") as client:
        with pytest.raises(FeederError):
            list(client.batches(plan.request.with_rank(0), [plan.locations[0][1].replace("https://", "http://")]))
    metrics = f.metrics()
    assert metrics["shardline_feeder_streams_started_total"] == 2, "only the authorised calls started streams"
    log = "".join(f.output)
    assert "s3cret" not in log and not any("s3cret" in k for k in metrics)


def test_the_ipc_data_plane_checks_the_bearer_token_too(start, tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text("s3cret-token-2\n")
    f = start({"auth.tokens-file": str(tokens)})

    def read(token):
        data = FeederDataset(f.location, "images", "image", 40, columns=["id"], rank=0, world_size=1, token=token,
                             transport="ipc")
        return sum(len(ids_of(b)) for b in data)

    assert read("s3cret-token-2") == 480
    with FeederClient(f.location, token="s3cret-token-2") as client:
        plan = client.plan(FeedRequest(dataset="images", table="image", batch_size=40))
    ticket = plan.request.with_rank(0)
    for token in (None, "wrong-token"):
        with FeederClient(f.location, token=token, transport="ipc") as client:
            with pytest.raises(FeederError, match="token|Bearer") as e:
                list(client.batches(ticket, plan.locations[0]))
            assert "s3cret" not in str(e.value)
    assert f.metrics()["shardline_feeder_streams_started_total"] == 1


@TRANSPORTS
def test_a_stalled_consumer_does_not_grow_the_feeders_memory(start, transport):
    cap = 8 << 20  # a stream holds at most two batches of 20 x 110 KB
    f = start({"client-memory": str(cap), "stall-timeout": "2min"})
    stalled = FeederClient(f.location, transport=transport)
    plan = stalled.plan(FeedRequest(dataset="large", table="image", batch_size=20, columns=["id", "image"], seed=9))
    stream = stalled.batches(plan.request.with_rank(0), plan.locations[0])
    next(stream)  # one batch of 20 taken, then the consumer stops reading
    samples = []
    for _ in range(20):
        samples.append(f.metrics()["shardline_feeder_stream_bytes"])
        time.sleep(0.1)
    assert f.metrics()["shardline_feeder_streams_active"] == 1, "the stalled stream is held, not dropped"
    assert 0 < max(samples) <= cap, f"stream memory {max(samples)} outside (0, {cap}]"
    # Others are served meanwhile, in full.
    other = FeederDataset(f.location, "large", "image", 20, columns=["id"], seed=9, rank=0, world_size=1,
                          transport=transport)
    assert sum(len(ids_of(b)) for b in other) == 400
    assert f.metrics()["shardline_feeder_stream_bytes"] <= cap
    stream.close()  # cancels the stalled stream
    stalled.close()
    wait_for(lambda: f.metrics()["shardline_feeder_streams_active"] == 0, "the cancelled stream to end")
    wait_for(lambda: f.metrics()["shardline_feeder_stream_bytes"] == 0, "the stream memory to be freed")


def test_a_client_that_stops_reading_is_dropped_after_the_stall_timeout(start):
    f = start({"stall-timeout": "2s"})
    stalled = FeederClient(f.location, transport="ipc")
    plan = stalled.plan(FeedRequest(dataset="large", table="image", batch_size=20, columns=["id", "image"], seed=9))
    stream = stalled.batches(plan.request.with_rank(0), plan.locations[0])
    next(stream)
    wait_for(lambda: f.metrics()["shardline_feeder_streams_active"] == 0, "the stalled stream to be dropped", timeout=30)
    wait_for(lambda: f.metrics()["shardline_feeder_stream_bytes"] == 0, "its memory to be freed")
    with pytest.raises(FeederError):
        for _ in stream:
            pass
    stalled.close()


def test_the_example_training_script_runs_and_checkpoints(feeder, tmp_path):
    script = REPO / "python" / "examples" / "train.py"
    checkpoint = tmp_path / "checkpoint.pt"
    args = [sys.executable, str(script), "--feeder", feeder.location, "--dataset", "images", "--epochs", "2",
            "--batch-size", "40", "--workers", "2", "--checkpoint", str(checkpoint)]
    env = dict(os.environ, PYTHONPATH=str(REPO / "python"))
    subprocess.run(args, check=True, timeout=300, env=env, capture_output=True)
    state = torch.load(checkpoint)["data"]
    assert state["dataset"] == "images" and state["epoch"] == 2 and state["consumed"] == 0
    # Started again on that checkpoint, the script finds its epochs done and ends.
    subprocess.run(args, check=True, timeout=300, env=env, capture_output=True)
    assert torch.load(checkpoint)["data"] == state


# Every table the job writes, served by the feeder and read by pyarrow straight from the shard files: the same rows,
# value for value (the feeder's Arrow types are pyarrow's reading of the Parquet types: timestamps, lists, maps).
TABLES = [("texts", "text", ["id"]), ("images", "image", ["id"]), ("sensors", "sensor", ["id"]),
          ("filtered", "filtered", ["id"]), ("tokens", "text-tokens", ["sequence_id"]),
          ("windows", "sensor-windows", ["device_id", "window_start"])]


@TRANSPORTS
@pytest.mark.parametrize("dataset,table,key", TABLES, ids=[t[1] for t in TABLES])
def test_every_table_is_served_as_pyarrow_reads_its_shards(feeder, datasets, transport, dataset, table, key):
    import pyarrow.parquet as pq
    from urllib.parse import urlparse
    root = Path(urlparse(datasets[dataset]).path)
    manifests = sorted((root / "versions").glob("v*.json"))
    manifest = json.loads(manifests[-1].read_text())
    files = [root / s["path"] for s in manifest["shards"] if s["table"] == table]
    assert files, f"the fixture has shards of {table}"
    expected = {}
    for f in files:
        for row in pq.read_table(f).to_pylist():
            expected[tuple(row[k] for k in key)] = row

    with FeederClient(feeder.location, transport=transport) as client:
        plan = client.plan(FeedRequest(dataset=dataset, table=table, batch_size=7, world_size=1, drop_last=False))
        request = replace(plan.request, rank=0)
        served = {}
        for batch in client.batches(request, plan.locations[0]):
            for row in batch.to_pylist():
                k = tuple(row[c] for c in key)
                served.setdefault(k, row)  # the padded last batch repeats the first rows
    assert served.keys() == expected.keys()
    for k, row in expected.items():
        assert served[k] == row, f"{table} row {k}"
    if table == "sensor":
        readings = FeederDataset(feeder.location, dataset, table, 5, columns=["id", "readings"], rank=0, world_size=1,
                                 transport=transport)
        first = next(iter(readings))
        assert all(isinstance(r, dict) for r in first["readings"]), "maps arrive as dicts"
