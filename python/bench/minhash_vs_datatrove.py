"""datatrove's MinHash deduplication beside the job's on the same documents: CPU per document and recall.

    ./shardline bench near-dedup --out /tmp/nd FILE...       # the job's side; writes /tmp/nd/documents.jsonl
    python python/bench/minhash_vs_datatrove.py /tmp/nd      # needs datatrove (and tokenizers) from PyPI

The three datatrove stages that find near duplicates (signatures, buckets, clusters), each run in this process
with one task per bucket as datatrove's local executor runs them, with its defaults: 5-gram shingles, 14 buckets
of 8 hashes, the same as the job's. Documents named ``c<n>`` are planted near copies of ``d<n-1>``: recall is
how many of them datatrove puts in their original's cluster.
"""

import json
import resource
import shutil
import struct
import sys
from pathlib import Path


def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main():
    folder = Path(sys.argv[1])
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                                  MinhashDedupSignature)
    from datatrove.pipeline.readers import JsonlReader

    config = MinhashConfig()  # n_grams=5, num_buckets=14, hashes_per_bucket=8
    work = folder / "datatrove"
    shutil.rmtree(work, ignore_errors=True)
    docs = [json.loads(line)["id"] for line in (folder / "documents.jsonl").read_text().splitlines()]

    stages = {
        "signatures": ([JsonlReader(str(folder), glob_pattern="documents.jsonl"),
                        MinhashDedupSignature(output_folder=str(work / "sigs"), config=config)], 1),
        "buckets": ([MinhashDedupBuckets(input_folder=str(work / "sigs"), output_folder=str(work / "buckets"),
                                         config=config)], config.num_buckets),
        "clusters": ([MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove"),
                                          config=config, save_cluster_id=True)], 1),
    }
    seconds = {}
    for name, (pipeline, tasks) in stages.items():
        start = cpu()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=str(work / f"logs-{name}")).run()
        seconds[name] = cpu() - start

    cluster = {}
    raw = (work / "remove" / "000000.clusters").read_bytes() if (work / "remove" / "000000.clusters").exists() else b""
    for doc, cid in struct.iter_unpack("<II", raw):
        cluster[doc] = cid
    planted = [i for i, d in enumerate(docs) if d.startswith("c")]
    found = sum(1 for i in planted if i in cluster and cluster.get(i - 1) == cluster[i])
    total = sum(seconds.values())
    from importlib.metadata import version
    print(f"datatrove {version('datatrove')} MinHash (5-grams, 14 x 8) on {len(docs):,} documents:"
          f" signatures {seconds['signatures']:.2f} CPU-s, buckets {seconds['buckets']:.2f}, clusters {seconds['clusters']:.2f};"
          f" {total * 1e6 / len(docs):.1f} us per document ({seconds['signatures'] * 1e6 / len(docs):.1f} for the"
          f" signatures); recall {found} of {len(planted)} planted ({100 * found / max(1, len(planted)):.1f}%);"
          f" {len(cluster):,} documents in clusters")


if __name__ == "__main__":
    main()
