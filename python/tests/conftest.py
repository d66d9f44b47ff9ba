"""Fixtures: datasets written by the feeder's own test writer, and real feeder processes serving them.

The feeder is the built one (``feeder/target``: its jar and runtime class path, as in its container image),
started as a separate JVM on 127.0.0.1 with ports picked by the system. Build it first with
``./mvnw -B -DskipTests package -pl feeder -am``; ``./mvnw -B verify`` builds it and runs these tests.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
FEEDER = REPO / "feeder" / "target"
sys.path.insert(0, str(REPO / "python"))

READY = re.compile(r"shardline feeder ready: (\S+)(?: metrics-port=(\d+))?(?: ipc-port=(\d+))?")
DATASETS = ("images", "photos", "tokens", "windows", "corrupt", "large", "texts", "sensors", "filtered")
START_TIMEOUT_S = 60


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    return str(Path(home) / "bin" / "java") if home else (shutil.which("java") or "java")


def _classpath(with_tests: bool) -> str:
    jars = sorted(FEEDER.glob("shardline-feeder-*.jar"))
    jars = [j for j in jars if not j.name.endswith(("-tests.jar", "-sources.jar"))]
    if not jars or not (FEEDER / "lib").is_dir():
        pytest.fail(f"no built feeder in {FEEDER}: run ./mvnw -B -DskipTests package -pl feeder -am first")
    parts = [str(jars[0]), str(FEEDER / "lib" / "*")]
    if with_tests:
        # The fixture writer is a feeder test class; its class path (the test kit's included) is written by the build.
        listed = FEEDER / "test-classpath.txt"
        if not (FEEDER / "test-classes").is_dir() or not listed.is_file():
            pytest.fail(f"no compiled feeder tests in {FEEDER}: run ./mvnw -B test-compile -pl feeder -am")
        parts = [str(FEEDER / "test-classes"), str(jars[0]), listed.read_text().strip()]
    return os.pathsep.join(parts)


JVM_FLAGS = ["-Xmx1g", "-XX:+UseSerialGC", "--add-opens=java.base/java.nio=ALL-UNNAMED"]


@pytest.fixture(scope="session")
def datasets(tmp_path_factory) -> Dict[str, str]:
    """name -> root URI of each dataset ClientFixture writes (see its javadoc for what each holds)."""
    root = tmp_path_factory.mktemp("datasets")
    done = subprocess.run([_java(), *JVM_FLAGS, "-cp", _classpath(True), "io.shardline.feeder.ClientFixture", str(root)],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"writing the test datasets failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return {name: (root / name).as_uri() for name in DATASETS}


@dataclass
class Feeder:
    """A running feeder process."""

    process: subprocess.Popen
    location: str
    metrics_port: int
    output: List[str] = field(default_factory=list)

    def metrics(self) -> Dict[str, float]:
        """The Prometheus endpoint, as name{labels} -> value."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as r:
            text = r.read().decode()
        out = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                out[name] = float(value)
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_feeder(datasets: Dict[str, str], tmp: Path, settings: Optional[Dict[str, str]] = None) -> Feeder:
    """Starts a feeder serving every test dataset; ``settings`` are extra options, keyed after ``shardline.feeder.``."""
    sets = {
        "shardline.feeder.host": "127.0.0.1",
        "shardline.feeder.port": "0",
        "shardline.feeder.metrics-port": "0",
        "shardline.feeder.ipc-port": "0",
        "shardline.feeder.datasets": ",".join(f"{k}={v}" for k, v in datasets.items()),
        "shardline.feeder.cache-size": "256m",
    }
    sets.update({f"shardline.feeder.{k}": v for k, v in (settings or {}).items()})
    args = [_java(), *JVM_FLAGS, "-cp", _classpath(False), "io.shardline.feeder.FeederServer"]
    for k, v in sets.items():
        args += ["--set", f"{k}={v}"]
    log = open(tmp / f"feeder-{time.monotonic_ns()}.log", "w")
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True)
    lines: List[str] = []
    ready = threading.Event()
    found = {}

    def pump():
        for line in process.stdout:
            lines.append(line)
            m = READY.search(line)
            if m and not ready.is_set():
                found["location"], found["metrics"] = m.group(1), int(m.group(2) or -1)
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(START_TIMEOUT_S) or "location" not in found:
        process.kill()
        log.close()
        pytest.fail(f"the feeder did not start within {START_TIMEOUT_S} s:\n{''.join(lines)[-3000:]}\n"
                    f"{Path(log.name).read_text()[-3000:]}")
    return Feeder(process, found["location"], found["metrics"], lines)


@pytest.fixture(scope="session")
def feeder(datasets, tmp_path_factory):
    f = start_feeder(datasets, tmp_path_factory.mktemp("feeder"))
    yield f
    f.stop()


@pytest.fixture()
def start(datasets, tmp_path):
    """Starts feeders with extra settings for one test, and stops them after it."""
    started: List[Feeder] = []

    def _start(settings: Dict[str, str]) -> Feeder:
        f = start_feeder(datasets, tmp_path, settings)
        started.append(f)
        return f

    yield _start
    for f in started:
        f.stop()


def run_python(code: str, *args: str, timeout: float = 120) -> str:
    """Runs code in a new Python process (as a training job restarted from a checkpoint would); its stdout."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "python"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout, env=env)
    if done.returncode != 0:
        raise AssertionError(f"the child process failed:\n{done.stderr[-4000:]}")
    return done.stdout


def wait_for(condition, what: str, timeout: float = 30.0, every: float = 0.1):
    """Polls ``condition`` until it returns a true value; fails naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def ids_of(batch) -> List[str]:
    return list(batch["id"] if "id" in batch else batch["sequence_id"])


def image_matches_id(image: bytes, sample_id: str) -> bool:
    """The fixture's image bytes start with the row's id (ShardFixtures.image)."""
    return image[: len(sample_id)] == sample_id.encode()


EXPECTED_IMAGES = [f"s{s}-r{r}" for s in range(12) for r in range(40)]
