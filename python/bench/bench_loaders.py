"""The feeder beside the loaders a training team would pick instead, on the same samples, in one run.

    python python/bench/bench_loaders.py --images 3000 --sequences 20000

Needs a Python with torch, pyarrow, mosaicml-streaming, litdata and webdataset (python/bench/requirements.txt)
and the built project (./shardline builds it). It writes the benchmark's datasets with `./shardline bench
datasets`, serves them with a feeder process, converts the same Parquet shards to MDS, LitData and tar
(WebDataset) shards, then reads one epoch with 1 and with N trainer processes (torch.distributed, gloo, on
127.0.0.1) for each loader, every loader with num_workers=0 so that the trainer process does the reading and
its CPU is measured. It prints a table and writes results.json into the work folder.

Measured per loader and trainer count: samples/s (all trainers together, epoch samples / slowest trainer's
time), trainer CPU-seconds per 1,000 samples (user + system of the trainer processes), peak trainer RSS,
time to first batch (from the loader's construction), and whether a mid-epoch resume is exact (one trainer:
state taken after k batches, restored into a new loader, the rest compared with an uninterrupted epoch).
Also, as the machine's limits: single-stream loopback TCP between two Python processes, and the feeder's own
CPU-seconds per GB served.
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

BATCH = 32


# ---------------------------------------------------------------------------------------------- datasets

def shard_files(data: Path, dataset: str, table: str):
    return sorted((data / dataset / "shards" / table).glob("*.parquet"))


def write_datasets(args, data: Path):
    if (data / "images").exists():
        return
    subprocess.run([str(REPO / "shardline"), "bench", "datasets", "--into", str(data), "--images", str(args.images),
                    "--image-bytes", str(args.image_bytes), "--sequences", str(args.sequences),
                    "--sequence-length", str(args.sequence_length)], check=True)


def rows(files, columns):
    import pyarrow.parquet as pq
    for f in files:
        table = pq.read_table(f, columns=columns)
        for row in table.to_pylist():
            yield row


def convert(data: Path, work: Path):
    """The same shards as MDS, LitData and WebDataset shards (64 MB each, uncompressed); done once."""
    import numpy as np
    images = shard_files(data, "images", "image")
    tokens = shard_files(data, "tokens", "text-tokens")
    out = {}
    for kind, files, cols in (("image", images, ["id", "label", "image"]), ("tokens", tokens, ["sequence_id", "tokens"])):
        mds, lit, tar = work / f"mds-{kind}", work / f"litdata-{kind}", work / f"wds-{kind}"
        out[kind] = {"mds": mds, "litdata": lit, "wds": tar}
        if not mds.exists():
            from streaming import MDSWriter
            spec = {"id": "str", "label": "str", "image": "bytes"} if kind == "image" else {"id": "str", "tokens": "ndarray:int32"}
            with MDSWriter(out=str(mds), columns=spec, size_limit="64mb") as w:
                for r in rows(files, cols):
                    w.write(_sample(kind, r, np))
        if not lit.exists():
            import litdata
            litdata.optimize(fn=_LitRows(kind, [str(f) for f in files]), inputs=list(range(len(files))),
                             output_dir=str(lit), chunk_bytes="64MB", num_workers=1, mode="overwrite")
        if not tar.exists():
            import webdataset as wds
            tar.mkdir(parents=True)
            with wds.ShardWriter(str(tar / "shard-%05d.tar"), maxsize=64 << 20, verbose=0) as w:
                for r in rows(files, cols):
                    s = _sample(kind, r, np)
                    w.write({"__key__": s["id"], "bin": s["image"], "cls": s["label"].encode()} if kind == "image"
                            else {"__key__": s["id"].replace("@", "_"), "npy": s["tokens"]})
    return out


def _sample(kind, r, np):
    if kind == "image":
        return {"id": r["id"], "label": r["label"], "image": r["image"]}
    return {"id": r["sequence_id"], "tokens": np.asarray(r["tokens"], dtype=np.int32)}


class _LitRows:
    """litdata.optimize's function: every row of one Parquet shard (picklable for its worker)."""

    def __init__(self, kind, files):
        self.kind, self.files = kind, files

    def __call__(self, index):
        import numpy as np
        for r in rows([self.files[index]], ["id", "label", "image"] if self.kind == "image" else ["sequence_id", "tokens"]):
            yield _sample(self.kind, r, np)


# ---------------------------------------------------------------------------------------------- loaders

def make_loader(system, kind, paths, feeder, rank, world, epoch=0):
    """An iterable of batches (any structure) for one trainer; returns (loader, state_fn, load_fn)."""
    import torch
    if system.startswith("feeder"):
        from shardline_feeder import FeederDataLoader, FeederDataset
        table, cols = ("image", ["id", "label", "image"]) if kind == "image" else ("text-tokens", ["sequence_id", "tokens"])
        transport = "flight" if system == "feeder-flight" else "ipc"
        ds = FeederDataset(feeder, "images" if kind == "image" else "tokens", table, BATCH, columns=cols, seed=1,
                           epoch=epoch, rank=rank, world_size=world, transport=transport)
        loader = FeederDataLoader(ds)
        return loader, loader.state_dict, loader.load_state_dict
    if system == "mosaicml-streaming":
        from streaming import StreamingDataLoader, StreamingDataset
        ds = StreamingDataset(local=str(paths["mds"]), batch_size=BATCH, shuffle=True, shuffle_seed=1)
        loader = StreamingDataLoader(ds, batch_size=BATCH, num_workers=0, collate_fn=_collate(kind))
        return loader, loader.state_dict, loader.load_state_dict
    if system == "litdata":
        import litdata
        ds = litdata.StreamingDataset(str(paths["litdata"]), shuffle=True, seed=1)
        loader = litdata.StreamingDataLoader(ds, batch_size=BATCH, num_workers=0, collate_fn=_collate(kind))
        return loader, loader.state_dict, loader.load_state_dict
    if system == "webdataset":
        import webdataset as wds
        urls = sorted(str(p) for p in Path(paths["wds"]).glob("*.tar"))
        ds = (wds.WebDataset(urls, nodesplitter=wds.split_by_node, shardshuffle=False, empty_check=False)
              .shuffle(1000).to_tuple("bin", "cls") if kind == "image" else
              wds.WebDataset(urls, nodesplitter=wds.split_by_node, shardshuffle=False, empty_check=False)
              .shuffle(1000).decode().to_tuple("npy"))
        loader = torch.utils.data.DataLoader(ds.batched(BATCH), batch_size=None, num_workers=0)
        return loader, None, None
    if system == "pyarrow-parquet":
        loader = torch.utils.data.DataLoader(_ParquetShards(kind, paths["parquet"], rank, world), batch_size=None)
        return loader, None, None
    raise ValueError(system)


def _collate(kind):
    import numpy as np
    import torch

    def collate(samples):
        if kind == "image":
            return [s["image"] for s in samples], [s["label"] for s in samples]
        return torch.from_numpy(np.stack([s["tokens"] for s in samples]))
    return collate


try:
    from torch.utils.data import IterableDataset as _Iterable
except ImportError:  # the trainer processes need torch; the module is still importable without it
    _Iterable = object


class _ParquetShards(_Iterable):
    """What a team writes first: each rank reads its share of the Parquet shards with pyarrow, batch by batch."""

    def __init__(self, kind, files, rank, world):
        super().__init__()
        self.kind, self.files, self.rank, self.world = kind, files, rank, world

    def __iter__(self):
        import numpy as np
        import pyarrow.parquet as pq
        import torch
        cols = ["id", "label", "image"] if self.kind == "image" else ["sequence_id", "tokens"]
        for f in self.files[self.rank::self.world]:
            for b in pq.ParquetFile(f).iter_batches(batch_size=BATCH, columns=cols):
                if self.kind == "image":
                    yield b.column(2).to_pylist(), b.column(1).to_pylist()
                else:
                    t = b.column(1)
                    yield torch.from_numpy(np.array(t.values.to_numpy(zero_copy_only=False)).reshape(len(t), -1))


def count(batch):
    import torch
    if isinstance(batch, dict):
        v = next(iter(batch.values()))
        return len(v)
    if isinstance(batch, torch.Tensor):
        return batch.shape[0]
    first = batch[0]
    return first.shape[0] if isinstance(first, torch.Tensor) else len(first)


def batch_bytes(batch):
    import torch
    items = batch.values() if isinstance(batch, dict) else (batch if isinstance(batch, (list, tuple)) else [batch])
    total = 0
    for v in items:
        if isinstance(v, torch.Tensor):
            total += v.numel() * v.element_size()
        elif isinstance(v, list):
            total += sum(len(x) for x in v if isinstance(x, (bytes, str)))
    return total


# ---------------------------------------------------------------------------------------------- one trainer

def trainer(spec):
    """One trainer process: joins the process group, reads one epoch, reports its figures as JSON."""
    import torch.distributed as dist
    rank, world = spec["rank"], spec["world"]
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(world),
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(spec["port"]))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    paths = {k: Path(v) for k, v in spec["paths"].items() if k != "parquet"}
    paths["parquet"] = [Path(p) for p in spec["paths"]["parquet"]]
    dist.barrier()
    start = time.perf_counter()
    loader, _, _ = make_loader(spec["system"], spec["kind"], paths, spec["feeder"], rank, world)
    first = None
    for epoch in range(spec["epochs"]):
        # The last epoch is the one measured: caches (page cache, the feeder's) are as warm for every loader.
        if epoch == spec["epochs"] - 1:
            dist.barrier()
            start, cpu0, samples, nbytes = time.perf_counter(), _cpu(), 0, 0
        for batch in loader:
            if first is None:
                first = time.perf_counter() - start
            if epoch == spec["epochs"] - 1:
                samples += count(batch)
                nbytes += batch_bytes(batch)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu0
    dist.barrier()
    dist.destroy_process_group()
    print(json.dumps({"samples": samples, "bytes": nbytes, "seconds": seconds, "cpu": cpu, "first": first, "rss": _peak_rss()}))


def _peak_rss():
    """This process's peak resident memory (VmHWM; ru_maxrss would carry the parent's over exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def _cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def run_trainers(system, kind, paths, feeder, world, work, epochs=2):
    port = _free_port()
    procs = []
    for rank in range(world):
        spec = {"system": system, "kind": kind, "rank": rank, "world": world, "port": port, "feeder": feeder, "epochs": epochs,
                "paths": {k: ([str(p) for p in v] if isinstance(v, list) else str(v)) for k, v in paths.items()}}
        env = dict(os.environ, PYTHONPATH=str(REPO / "python"))
        procs.append(subprocess.Popen([sys.executable, __file__, "--trainer", json.dumps(spec)], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, env=env, cwd=str(work)))
    results = []
    for p in procs:
        out, err = p.communicate(timeout=900)
        if p.returncode != 0:
            raise RuntimeError(f"{system} trainer failed:\n{err[-3000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    samples = sum(r["samples"] for r in results)
    seconds = max(r["seconds"] for r in results)
    return {"samples": samples, "samples_per_s": samples / seconds, "mb_per_s": sum(r["bytes"] for r in results) / 1e6 / seconds,
            "cpu_per_1000": 1000 * sum(r["cpu"] for r in results) / samples, "rss_mb": max(r["rss"] for r in results) / 1e6,
            "first_batch_ms": 1000 * max(r["first"] or 0 for r in results),
            "idle_trainers": sum(1 for r in results if r["samples"] == 0)}


def resume_exact(system, kind, paths, feeder, steps=5):
    """One trainer: k batches, state, a new loader from that state; is the rest the uninterrupted rest?"""
    loader, state_fn, _ = make_loader(system, kind, paths, feeder, 0, 1)
    if state_fn is None:
        return "no resume API"
    whole = [_ids(b) for b in loader]
    loader, state_fn, _ = make_loader(system, kind, paths, feeder, 0, 1)  # the same epoch 0, from its start
    head = []
    for b in loader:
        head.append(_ids(b))
        if len(head) == steps:
            state = state_fn()
            break
    again, _, load_fn = make_loader(system, kind, paths, feeder, 0, 1)
    load_fn(state)
    rest = [_ids(b) for b in again]
    return "exact" if head + rest == whole else f"not exact ({len(head) + len(rest)} batches vs {len(whole)})"


def _ids(batch):
    import hashlib
    h = hashlib.sha1()
    items = batch.values() if isinstance(batch, dict) else (batch if isinstance(batch, (list, tuple)) else [batch])
    for v in items:
        if hasattr(v, "numpy"):
            h.update(v.numpy().tobytes())
        elif isinstance(v, list):
            for x in v:
                h.update(x if isinstance(x, bytes) else str(x).encode())
    return h.hexdigest()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------- baselines

def loopback(nbytes=2 << 30):
    """Single-stream loopback TCP between two Python processes, 1 MB buffers: the wire's limit here."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    pid = os.fork()
    if pid == 0:
        c = socket.create_connection(("127.0.0.1", port))
        buf = b"\0" * (1 << 20)
        for _ in range(nbytes >> 20):
            c.sendall(buf)
        c.close()
        os._exit(0)
    conn, _ = server.accept()
    view = memoryview(bytearray(1 << 20))
    got, start = 0, time.perf_counter()
    while True:
        n = conn.recv_into(view)
        if not n:
            break
        got += n
    seconds = time.perf_counter() - start
    os.waitpid(pid, 0)
    conn.close()
    server.close()
    return got / 1e6 / seconds


class Feeder:
    """The built feeder in its own JVM, fixed pre-touched heap, serving the benchmark's datasets."""

    def __init__(self, data: Path, log: Path):
        jar = next(p for p in (REPO / "feeder" / "target").glob("shardline-feeder-*.jar") if "tests" not in p.name)
        cp = f"{jar}{os.pathsep}{REPO / 'feeder' / 'target' / 'lib' / '*'}"
        sets = {"shardline.feeder.port": "0", "shardline.feeder.ipc-port": "0", "shardline.feeder.metrics-port": "-1",
                "shardline.feeder.cache-size": "3gb",
                "shardline.feeder.datasets": f"images={(data / 'images').as_uri()},tokens={(data / 'tokens').as_uri()}"}
        args = ["java", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC", "-XX:MaxDirectMemorySize=4g",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", cp, "io.shardline.feeder.FeederServer"]
        for k, v in sets.items():
            args += ["--set", f"{k}={v}"]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=open(log, "w"), text=True)
        line = self.process.stdout.readline()
        if "ready:" not in line:
            raise RuntimeError(f"the feeder did not start: {line!r}, see {log}")
        self.location = line.split("ready: ")[1].split()[0]

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


# ---------------------------------------------------------------------------------------------- main

SYSTEMS = ("feeder-ipc", "feeder-flight", "mosaicml-streaming", "litdata", "webdataset", "pyarrow-parquet")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--trainer", help=argparse.SUPPRESS)
    p.add_argument("--images", type=int, default=3000)
    p.add_argument("--image-bytes", type=int, default=110_000)
    p.add_argument("--sequences", type=int, default=20_000)
    p.add_argument("--sequence-length", type=int, default=2048)
    p.add_argument("--trainers", type=int, default=4, help="trainer processes of the many-trainer run")
    p.add_argument("--systems", default=",".join(SYSTEMS))
    p.add_argument("--kinds", default="image,tokens")
    p.add_argument("--work-dir", default="shardline-bench-loaders")
    args = p.parse_args()
    if args.trainer:
        return trainer(json.loads(args.trainer))
    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    write_datasets(args, data)
    formats = convert(data, work)
    formats["image"]["parquet"] = shard_files(data, "images", "image")
    formats["tokens"]["parquet"] = shard_files(data, "tokens", "text-tokens")
    print(f"bench loaders: {os.cpu_count()} cores; {args.images} images of {args.image_bytes} bytes, {args.sequences}"
          f" sequences of {args.sequence_length} tokens; batch {BATCH}; 1 and {args.trainers} trainer processes")
    results = {"loopback_mb_per_s": loopback()}
    print(f"loopback TCP, one stream, Python to Python: {results['loopback_mb_per_s']:,.0f} MB/s")
    systems = args.systems.split(",")
    for kind in args.kinds.split(","):
        paths = formats[kind]
        feeder = Feeder(data, work / "feeder.log")
        try:
            cold = {}
            if any(s.startswith("feeder") for s in systems):
                cold = run_trainers("feeder-ipc", kind, paths, feeder.location, 1, work, epochs=1)  # fresh feeder
                print(f"\n{kind}: feeder cold (fresh feeder, first epoch): first batch {cold['first_batch_ms']:.0f} ms")
            for system in systems:
                for world in (1, args.trainers):
                    before = feeder.cpu_seconds()
                    r = run_trainers(system, kind, paths, feeder.location, world, work)
                    if system.startswith("feeder"):
                        served_gb = 2 * r["samples"] * _sample_bytes(kind, args) / 1e9  # both epochs
                        r["feeder_cpu_s_per_gb"] = (feeder.cpu_seconds() - before) / served_gb
                    results[f"{kind}/{system}/{world}"] = r
                    print(f"{kind:6} {system:18} x{world}: {r['samples_per_s']:9,.0f} samples/s {r['mb_per_s']:7,.0f} MB/s"
                          f"  trainer CPU {r['cpu_per_1000']:6.3f} s/1000  RSS {r['rss_mb']:6,.0f} MB"
                          f"  first batch {r['first_batch_ms']:6.0f} ms"
                          + (f"  feeder {r['feeder_cpu_s_per_gb']:.2f} CPU-s/GB" if "feeder_cpu_s_per_gb" in r else "")
                          + (f"  ({r['idle_trainers']} trainers got no sample)" if r["idle_trainers"] else ""))
                try:
                    results[f"{kind}/{system}/resume"] = resume_exact(system, kind, paths, feeder.location)
                except Exception as e:  # a loader's own failure is a result to report, not a reason to stop
                    results[f"{kind}/{system}/resume"] = f"failed: {type(e).__name__}: {str(e)[:200]}"
                print(f"{kind:6} {system:18} mid-epoch resume: {results[f'{kind}/{system}/resume']}")
            if cold:
                results[f"{kind}/feeder/cold_first_batch_ms"] = cold["first_batch_ms"]
        finally:
            feeder.stop()
    # Runs of some systems or kinds add to the results of earlier runs in the same folder.
    path = work / "results.json"
    merged = json.loads(path.read_text()) if path.exists() else {}
    merged.update(results)
    path.write_text(json.dumps(merged, indent=2, default=str))
    print(f"\nresults: {work / 'results.json'}")


def _sample_bytes(kind, args):
    return args.image_bytes if kind == "image" else args.sequence_length * 4


if __name__ == "__main__":
    main()
