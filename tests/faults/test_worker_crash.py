"""SIGKILL the worker again and again while articles stream in; nothing is lost or doubled.

Runs on the real broker with `processing_guarantee=exactly_once`
(pipeline/adapters/transactions.py): each stage's outputs, table writes and input offsets
commit in one Kafka transaction per source partition, so a read_committed reader sees every
effect of an input exactly once.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from pipeline.adapters.kafka_io import ensure_topics
from pipeline.settings import WirestreamSettings
from tests.faults.harness import Publisher, assert_exactly_once, generated_inputs
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

pytestmark = pytest.mark.faults

N_INPUTS = 300
KILLS = 6
PACE_SECONDS = 0.12  # ~36 s of publishing, spanning the kills


def fault_settings(bootstrap_servers: str, tmp_path: Path) -> WirestreamSettings:
    settings = isolated_settings(bootstrap_servers, tmp_path,
                                 processing_guarantee="exactly_once",
                                 event_update_interval_seconds=1.0,  # exercise the throttle too
                                 commit_interval_seconds=1.0, session_timeout_seconds=6.0,
                                 stall_seconds=30.0)
    ensure_topics(settings)
    return settings


def test_sigkilled_worker_loses_and_doubles_nothing(bootstrap_servers: str,
                                                     tmp_path: Path) -> None:
    settings = fault_settings(bootstrap_servers, tmp_path)
    rng = random.Random(11)  # noqa: S311 - kill timing
    logs = Path(settings.data_dir)
    worker = WorkerProcess(settings, logs / "worker-0.log").start()
    publisher = Publisher(settings, generated_inputs(N_INPUTS), PACE_SECONDS)
    t0 = time.monotonic()
    publisher.start()
    try:
        for i in range(1, KILLS + 1):
            time.sleep(rng.uniform(1.0, 5.0))
            worker.kill()
            worker = WorkerProcess(settings, logs / f"worker-{i}.log").start(timeout=90)
        publisher.join(timeout=120)
        assert publisher.error is None and len(publisher.sent) == N_INPUTS
        summary = assert_exactly_once(settings, publisher.sent)
    finally:
        worker.stop()
    print(f"\n{KILLS} SIGKILLs, {time.monotonic() - t0:.0f}s: {summary}")  # noqa: T201
