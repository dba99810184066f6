"""A broker restart mid-stream, and one of two workers killed: processing carries on unaided."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.broker import restart_broker, start_broker, stop_broker
from tests.faults.harness import Publisher, assert_exactly_once, generated_inputs
from tests.faults.test_worker_crash import fault_settings
from tests.support.workers import WorkerProcess

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


def test_worker_rides_out_a_broker_restart(own_broker: tuple[Path, str], tmp_path: Path) -> None:
    run_dir, bootstrap = own_broker
    settings = fault_settings(bootstrap, tmp_path)
    worker = WorkerProcess(settings, Path(settings.data_dir) / "worker.log").start()
    publisher = Publisher(settings, generated_inputs(150, seed=3), 0.05)
    t0 = time.monotonic()
    try:
        publisher.start()
        time.sleep(3)
        restart_broker(run_dir, down_seconds=5)  # the publisher retries meanwhile
        publisher.join(timeout=120)
        assert publisher.error is None
        summary = assert_exactly_once(settings, publisher.sent)
        assert worker.proc is not None and worker.proc.poll() is None, "the worker died"
    finally:
        worker.stop()
    print(f"\nbroker restart, {time.monotonic() - t0:.0f}s: {summary}")  # noqa: T201


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
