"""OpenAI's tiktoken beside the job's tokenizer on the same documents: the same ids, and tokens per CPU-second.

Run the job's side first, which writes its ids:

    ./shardline bench tokenizer --ids-out /tmp/ids.txt FILE...
    python python/bench/tokenizer_vs_tiktoken.py --java-ids /tmp/ids.txt --vocab VOCAB FILE...

VOCAB is the encoding's ``.tiktoken`` file; the one the job uses is inside the JTokkit jar (``unzip -p
~/.m2/repository/com/knuddels/jtokkit/1.1.0/jtokkit-1.1.0.jar com/knuddels/jtokkit/cl100k_base.tiktoken``), which is
byte for byte OpenAI's (tiktoken checks its SHA-256). It is put where tiktoken looks for a downloaded copy, so
nothing is fetched. Documents are each file's paragraphs, split as the Java side splits them.
"""

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time

URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "r50k_base": "https://openaipublic.blob.core.windows.net/encodings/r50k_base.tiktoken",
    "p50k_base": "https://openaipublic.blob.core.windows.net/encodings/p50k_base.tiktoken",
}


def documents(text):
    return [part for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+")
    p.add_argument("--java-ids", required=True, help="the ids file of ./shardline bench tokenizer --ids-out")
    p.add_argument("--vocab", required=True, help="the encoding's .tiktoken file")
    p.add_argument("--encoding", default="cl100k_base")
    p.add_argument("--repeat", type=int, default=20)
    a = p.parse_args()

    cache = tempfile.mkdtemp(prefix="tiktoken-cache-")
    shutil.copy(a.vocab, os.path.join(cache, hashlib.sha1(URLS[a.encoding].encode()).hexdigest()))
    os.environ["TIKTOKEN_CACHE_DIR"] = cache
    import tiktoken  # after the cache is set: it reads it on first use

    enc = tiktoken.get_encoding(a.encoding)
    docs, size = [], 0
    for f in a.files:
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        size += len(text.encode("utf-8"))
        docs += documents(text)
    with open(a.java_ids, encoding="utf-8") as fh:
        java = [[int(x) for x in line.split()] for line in fh.read().splitlines()]
    ids = [enc.encode_ordinary(d) for d in docs]
    tokens = sum(len(i) for i in ids)
    if len(java) != len(docs):
        sys.exit(f"the Java side wrote {len(java)} documents, here there are {len(docs)}: not the same files?")
    differ = [n for n, (x, y) in enumerate(zip(ids, java)) if x != y]

    start = time.process_time()
    for _ in range(a.repeat):
        for d in docs:
            enc.encode_ordinary(d)
    seconds = time.process_time() - start
    print(f"tiktoken {tiktoken.__version__} ({a.encoding}) on {len(a.files)} files, {len(docs):,} documents, {size:,} bytes,"
          f" {tokens:,} tokens: {a.repeat} passes in {seconds:.2f} CPU-s, {tokens * a.repeat / seconds:,.0f} tokens per"
          f" CPU-second, {size * a.repeat / seconds / 1e6:.1f} MB per CPU-second")
    print(f"same ids as the job's tokenizer: {len(docs) - len(differ):,} of {len(docs):,} documents"
          + ("" if not differ else f"; first that differs: document {differ[0]}"))
    shutil.rmtree(cache)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
