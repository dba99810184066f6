"""A broker restarted or SIGKILLed mid-stream, a worker started before its broker, and one of
two workers killed: processing carries on unaided."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.client import publish_files, wait_for_outcomes
from pipeline.broker import restart_broker, start_broker, stop_broker
from tests.faults.harness import Publisher, assert_exactly_once, generated_inputs
from tests.faults.test_worker_crash import fault_settings
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "articles.jsonl"

pytestmark = pytest.mark.faults


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A broker of this test's own: restarting it disturbs no other test."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        pytest.skip("restarts a local broker; an external cluster is set")
    run_dir = tmp_path / "broker"
    info = start_broker(run_dir)
    try:
        yield run_dir, info.bootstrap_servers
    finally:
        stop_broker(run_dir)


@pytest.mark.parametrize(("kill", "down_seconds"), [(False, 5), (True, 8)],
                         ids=["clean-restart", "sigkill"])
def test_worker_rides_out_a_broker_restart(own_broker: tuple[Path, str], tmp_path: Path,
                                           kill: bool, down_seconds: float) -> None:
    run_dir, bootstrap = own_broker
    settings = fault_settings(bootstrap, tmp_path)
    worker = WorkerProcess(settings, Path(settings.data_dir) / "worker.log").start()
    publisher = Publisher(settings, generated_inputs(150, seed=3), 0.05)
    t0 = time.monotonic()
    try:
        publisher.start()
        time.sleep(3)
        # SIGKILL: no clean shutdown, open transactions and unflushed log segments as they are.
        restart_broker(run_dir, down_seconds=down_seconds, kill=kill)  # the publisher retries
        publisher.join(timeout=120)
        assert publisher.error is None
        summary = assert_exactly_once(settings, publisher.sent)
        assert worker.proc is not None and worker.proc.poll() is None, "the worker died"
    finally:
        worker.stop()
    how = "SIGKILLed" if kill else "restarted"
    print(f"\nbroker {how}, down {down_seconds}s, {time.monotonic() - t0:.0f}s: "  # noqa: T201
          f"{summary}")


def test_a_worker_started_before_its_broker_waits_for_it(own_broker: tuple[Path, str],
                                                         tmp_path: Path) -> None:
    run_dir, bootstrap = own_broker
    settings = isolated_settings(bootstrap, tmp_path, commit_interval_seconds=1.0)
    broker_back = threading.Thread(target=restart_broker, args=(run_dir,),
                                   kwargs={"down_seconds": 20}, daemon=True)
    broker_back.start()
    _wait_port_closed(bootstrap)
    worker = WorkerProcess(settings, Path(settings.data_dir) / "worker.log").spawn()
    try:
        time.sleep(10)  # well inside the 20 s: the worker is up, waiting, and says so
        assert worker.proc is not None and worker.proc.poll() is None, worker.tail()
        assert worker.sample("wirestream_worker_ready") == 0.0
        broker_back.join(timeout=120)
        back_at = time.monotonic()
        worker.wait_ready(timeout=120)
        ready_after = time.monotonic() - back_at
        sent = publish_files(settings, [SEEDS], T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW])
        assert len(wait_for_outcomes(settings, sent, timeout=120)) == len(sent)
        log = worker.log_file.read_text()
        attempts = log.count("waiting for Kafka at")
        assert attempts >= 2 and "reachable after" in log
        assert "Traceback" not in log
    finally:
        worker.stop()
    print(f"\nworker started 20 s before its broker: {attempts} attempts logged, "  # noqa: T201
          f"ready {ready_after:.1f}s after the broker, {len(sent)} seed inputs processed")


def _wait_port_closed(bootstrap: str, timeout: float = 60.0) -> None:
    host, port = bootstrap.split(",")[0].rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, int(port)), timeout=0.5).close()
        except OSError:
            return
        time.sleep(0.2)
    raise TimeoutError(f"broker at {bootstrap} did not stop")


def test_partitions_of_a_killed_worker_move_to_the_other(bootstrap_servers: str,
                                                         tmp_path: Path) -> None:
    settings = fault_settings(bootstrap_servers, tmp_path)
    logs = Path(settings.data_dir)
    first = WorkerProcess(settings, logs / "first.log").start()
    second = WorkerProcess(settings, logs / "second.log").start(timeout=90)
    publisher = Publisher(settings, generated_inputs(150, seed=4), 0.1)
    t0 = time.monotonic()
    try:
        publisher.start()
        time.sleep(5)
        first.kill()  # the survivor takes its partitions after the session timeout
        publisher.join(timeout=120)
        assert publisher.error is None
        summary = assert_exactly_once(settings, publisher.sent)
    finally:
        second.stop()
    print(f"\none of two workers killed, {time.monotonic() - t0:.0f}s: {summary}")  # noqa: T201
