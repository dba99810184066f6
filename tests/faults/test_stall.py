"""A worker whose commit never returns notices, restarts itself in place (same pid) and
loses and doubles nothing (real broker, real worker, the commit wedged from inside)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.kafka_io import ensure_topics, publish
from tests.faults.harness import assert_exactly_once, generated_inputs
from tests.faults.wedge_extractor import FLAG, MARKER
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

pytestmark = pytest.mark.faults


def test_a_wedged_commit_restarts_the_worker_in_place(bootstrap_servers: str,
                                                      tmp_path: Path) -> None:
    settings = isolated_settings(bootstrap_servers, tmp_path, processing_guarantee="exactly_once",
                                 commit_interval_seconds=1.0, session_timeout_seconds=6.0,
                                 stall_seconds=5.0,
                                 extractor="tests.faults.wedge_extractor:extract_or_wedge")
    ensure_topics(settings)
    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True)
    (data_dir / FLAG).touch()
    worker = WorkerProcess(settings, data_dir / "worker.log").start()
    pid = worker.proc.pid if worker.proc else None
    wedge = json.dumps({"id": "wedge", "source": "wire", "published_at": "2025-02-04T09:00:00Z",
                        "body": f"Egypt condemned Israel on Monday. {MARKER}"}).encode()
    inputs = generated_inputs(30, seed=11)
    raw = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]
    t0 = time.monotonic()
    try:
        sent = publish(settings, raw, [(None, v) for v in inputs[:10] + [wedge] + inputs[10:]])
        summary = assert_exactly_once(settings, sent)
        assert worker.proc is not None and worker.proc.poll() is None, "the worker died"
        assert worker.proc.pid == pid
    finally:
        worker.stop()
    log_text = (data_dir / "worker.log").read_text(errors="replace")
    assert not (data_dir / FLAG).exists(), "the commit was never wedged"
    assert "worker stalled: a commit has not returned" in log_text
    assert "_wedging_commit" in log_text  # the report says where the commit waits
    print(f"\nwedged commit, restarted in place, {time.monotonic() - t0:.0f}s: "  # noqa: T201
          f"{summary}")
