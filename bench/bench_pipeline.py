"""End-to-end throughput of the whole pipeline on the real broker.

    python bench/bench_pipeline.py [CORPUS.jsonl] [--limit N] [--workers K] [--runs R]

Publishes N articles (a JSONL corpus, or generated ones when none is given) to
`articles.raw` as fast as the producer goes, and measures the time until every one has its
`articles.outcomes` record: articles/s through validate → extract → dedup → enrich → outputs.
Also reports the workers' peak RSS and the end-to-end latency quantiles from their metrics.
Uses `KAFKA_BOOTSTRAP_SERVERS` or starts (and stops) a local broker.
"""

from __future__ import annotations

import argparse
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
from tests.support.workers import WorkerProcess  # noqa: E402


def latency_quantile(metrics_text: str, q: float) -> float:
    """Upper bucket bound below which a fraction `q` of outcome latencies fall."""
    buckets = []
    for line in metrics_text.splitlines():
        if line.startswith("wirestream_end_to_end_latency_seconds_bucket") and \
                'output="articles.outcomes"' in line:
            bound = line.split('le="')[1].split('"')[0]
            buckets.append((float(bound), float(line.rsplit(" ", 1)[1])))
    if not buckets:
        return float("nan")
    total = buckets[-1][1]
    return next(b for b, count in buckets if count >= q * total)


def one_run(base: WirestreamSettings, payloads: list[bytes], workers: int, tmp: Path) -> dict:
    tag = uuid.uuid4().hex[:8]
    settings = base.model_copy(update={"topic_prefix": f"bench{tag}.",
                                       "app_id": f"wirestream-bench-{tag}",
                                       "data_dir": str(tmp / tag), "metrics_port": 0})
    ensure_topics(settings)
    procs = [WorkerProcess(settings, tmp / tag / f"worker-{i}.log").start()
             for i in range(workers)]
    try:
        raw = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]
        t0 = time.perf_counter()
        sent = publish(settings, raw, [(None, p) for p in payloads])
        published = time.perf_counter() - t0
        outcomes = wait_for_outcomes(settings, sent, timeout=600)
        elapsed = time.perf_counter() - t0
        texts = [p.metrics() or "" for p in procs]
        return {
            "articles_per_s": len(outcomes) / elapsed,
            "publish_per_s": len(sent) / published,
            "p50_s": max(latency_quantile(t, 0.5) for t in texts),
            "p95_s": max(latency_quantile(t, 0.95) for t in texts),
            "rss_mib": max(p.rss_mib("VmHWM") or float("nan") for p in procs),
        }
    finally:
        for p in procs:
            p.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    articles = bench_articles(args.corpus, args.limit)
    payloads = [a.model_dump_json().encode() for a in articles]

    run_dir = Path(tempfile.mkdtemp(prefix="wirestream-bench-"))
    with bench_broker(run_dir) as servers:
        base = WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS=servers)
        results = [one_run(base, payloads, args.workers, run_dir) for _ in range(args.runs)]
    for r in results:
        print(" ".join(f"{k}={v:.2f}" for k, v in r.items()))
    median = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(f"articles={len(payloads)} workers={args.workers} runs={args.runs} median: "
          + " ".join(f"{k}={v:.2f}" for k, v in median.items()))


if __name__ == "__main__":
    main()
