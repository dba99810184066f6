"""Overload: publish far faster than one worker can process; memory stays bounded, the lag
grows and then drains, and every input still gets exactly one outcome.

The producer publishes at the broker's pace (thousands of records/s) while the worker
processes a few hundred a second. Backpressure is Faust's: each agent's stream buffer holds
at most `WIRESTREAM_STREAM_BUFFER_RECORDS` records and the fetcher waits while it is full, so
the backlog stays in Kafka, not in the worker.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.client import wait_for_outcomes
from pipeline.adapters.kafka_io import ensure_topics, publish
from tests.faults.harness import assert_exactly_once, generated_inputs
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

pytestmark = pytest.mark.faults

N_INPUTS = 2_500
FILLER_PARAGRAPHS = 6  # ~3.5 KB articles: the backlog (~9 MB) is large next to the buffers
BUFFER_RECORDS = 200
WARM_UP = 50
RSS_GROWTH_LIMIT_MIB = 120  # the whole backlog as Python objects would be several times more


def raw_lag(worker: WorkerProcess, raw_topic: str) -> float | None:
    """Consumer lag summed over the raw partitions, from the worker's /metrics."""
    lags = [worker.sample("wirestream_consumer_lag_messages", topic=raw_topic, partition=str(p))
            for p in range(worker.settings.partitions)]
    return None if None in lags else sum(lags)  # type: ignore[arg-type]


def test_overload_keeps_memory_bounded_and_drains(bootstrap_servers: str,
                                                  tmp_path: Path) -> None:
    settings = isolated_settings(bootstrap_servers, tmp_path, processing_guarantee="exactly_once",
                                 stream_buffer_records=BUFFER_RECORDS, lag_poll_seconds=0.5,
                                 commit_interval_seconds=1.0)
    ensure_topics(settings)
    raw_topic = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]
    worker = WorkerProcess(settings, Path(settings.data_dir) / "worker.log").start()
    try:
        values = generated_inputs(N_INPUTS + WARM_UP, seed=9,
                                  filler_paragraphs=FILLER_PARAGRAPHS)
        # Warm up first: dictionaries load on the first article, not at start.
        warm = publish(settings, raw_topic, [(None, v) for v in values[:WARM_UP]])
        wait_for_outcomes(settings, warm)
        baseline = worker.rss_mib() or 0.0
        values = values[WARM_UP:]
        t0 = time.monotonic()
        sent = publish(settings, raw_topic, [(None, v) for v in values])
        publish_s = time.monotonic() - t0
        lags: list[float] = []
        peak = baseline
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            lag = raw_lag(worker, raw_topic)
            peak = max(peak, worker.rss_mib() or 0.0)
            if lag is not None:
                lags.append(lag)
                if lag == 0 and max(lags) > 0:
                    break
            time.sleep(0.5)
        drain_s = time.monotonic() - t0
        assert lags and max(lags) >= N_INPUTS / 2, f"lag never built up: {max(lags or [0])}"
        assert lags[-1] == 0, f"lag did not drain within the deadline: {lags[-10:]}"
        summary = assert_exactly_once(settings, warm + sent)
        peak = max(peak, worker.rss_mib("VmHWM") or 0.0)
        assert peak - baseline < RSS_GROWTH_LIMIT_MIB, (baseline, peak)
    finally:
        worker.stop()
    print(f"\noverload: {N_INPUTS} inputs published in {publish_s:.1f}s "  # noqa: T201
          f"({N_INPUTS / publish_s:.0f}/s), drained after {drain_s:.0f}s "
          f"({N_INPUTS / drain_s:.0f}/s); peak lag {max(lags):.0f}; "
          f"worker RSS {baseline:.0f} MiB warmed up, peak {peak:.0f} MiB; {summary}")
