"""How long a restarted worker takes to recover its state from the changelog topics.

    python bench/bench_recovery.py [CORPUS.jsonl] [--limit N] [--runs R]

Runs N articles (a JSONL corpus, or generated ones) through one worker so that the
article-index and event-state tables fill up, stops it, starts a fresh worker with an empty
local state directory, and measures the time from process start to "ready" (tables
recovered, processing resumed) and the worker's own `wirestream_recovery_seconds`. Uses
`KAFKA_BOOTSTRAP_SERVERS` or starts (and stops) a local broker.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_articles, bench_broker  # noqa: E402
from pipeline import topics as T  # noqa: E402
from pipeline.adapters.client import wait_for_outcomes  # noqa: E402
from pipeline.adapters.kafka_io import ensure_topics, publish  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402
from tests.support.workers import WorkerProcess, metric_sample  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    articles = bench_articles(args.corpus, args.limit)

    tmp = Path(tempfile.mkdtemp(prefix="wirestream-recovery-"))
    with bench_broker(tmp) as servers:
        tag = uuid.uuid4().hex[:8]
        settings = WirestreamSettings(
            KAFKA_BOOTSTRAP_SERVERS=servers, topic_prefix=f"rec{tag}.",
            app_id=f"wirestream-rec-{tag}", data_dir=str(tmp / "state"), metrics_port=0)
        ensure_topics(settings)
        first = WorkerProcess(settings, tmp / "fill.log").start()
        try:
            sent = publish(settings, T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW],
                           [(None, a.model_dump_json().encode()) for a in articles])
            wait_for_outcomes(settings, sent, timeout=900)
            time.sleep(2)  # let the 1 s state gauges refresh
            text = first.metrics() or ""
            entries = {t: metric_sample(text, "wirestream_state_entries", table=t) or 0.0
                       for t in T.TABLES}
        finally:
            first.stop()
        walls, inside = [], []
        for run in range(args.runs):
            shutil.rmtree(tmp / "state", ignore_errors=True)  # recover from Kafka alone
            worker = WorkerProcess(settings, tmp / f"recover-{run}.log")
            started = time.perf_counter()
            worker.start(timeout=600)
            walls.append(time.perf_counter() - started)
            inside.append(worker.sample("wirestream_recovery_seconds") or float("nan"))
            worker.stop()
    print(f"articles={len(articles)} state entries: "
          + " ".join(f"{t}={n:.0f}" for t, n in entries.items()))
    print(f"restart to ready (process start, imports, join, recovery): median "
          f"{statistics.median(walls):.1f}s (runs: {', '.join(f'{w:.1f}' for w in walls)})")
    print(f"table recovery (assignment to recovered): median {statistics.median(inside):.2f}s")


if __name__ == "__main__":
    main()
