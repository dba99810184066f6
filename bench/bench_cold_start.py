"""Is the first article after "ready" as fast as the hundredth?

    python bench/bench_cold_start.py [CORPUS.jsonl] [--limit N] [--rate R] [--guarantee G ...]

For each processing guarantee: starts a fresh worker, waits until it reports ready, publishes
one article at once, then N more at R articles/s, and reports each article's latency from
its input record's timestamp to its outcome record's timestamp (both set by the producers:
the publisher here, the worker's producer when it sends the outcome, so this is processing
latency; under exactly-once the outcome becomes visible at the next commit on top). Uses
`KAFKA_BOOTSTRAP_SERVERS` or starts (and stops) a local broker.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_articles, bench_broker  # noqa: E402
from pipeline import topics as T  # noqa: E402
from pipeline.adapters.client import wait_for_outcomes  # noqa: E402
from pipeline.adapters.kafka_io import Published, client_config, ensure_topics  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402
from tests.support.workers import WorkerProcess  # noqa: E402


def timestamps(settings: WirestreamSettings, topic: str) -> dict[str, int]:
    """input_ref -> record timestamp (ms) of every record of `topic` (outcomes: by their
    input_ref field; raw: by the record's own position)."""
    consumer = KafkaConsumer(**client_config(settings), group_id=None,
                             isolation_level="read_committed", enable_auto_commit=False)
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        end = consumer.end_offsets(parts)
        found: dict[str, int] = {}
        while any(consumer.position(tp) < end[tp] for tp in parts):
            for batch in consumer.poll(timeout_ms=500).values():
                for m in batch:
                    ref = (json.loads(m.value)["input_ref"] if topic.endswith("outcomes")
                           else f"{m.topic}:{m.partition}:{m.offset}")
                    found[ref] = m.timestamp
        return found
    finally:
        consumer.close()


def one_guarantee(base: WirestreamSettings, guarantee: str, payloads: list[bytes],
                  rate: float, tmp: Path) -> dict:
    tag = uuid.uuid4().hex[:8]
    settings = base.model_copy(update={"topic_prefix": f"cold{tag}.",
                                       "app_id": f"wirestream-cold-{tag}",
                                       "processing_guarantee": guarantee,
                                       "data_dir": str(tmp / tag)})
    ensure_topics(settings)
    names = T.TopicNames(settings.topic_prefix)
    worker = WorkerProcess(settings, tmp / f"{tag}.log").start(timeout=300)
    producer = KafkaProducer(**client_config(settings), acks="all", linger_ms=0)
    try:
        futures = []
        for i, value in enumerate(payloads):
            futures.append(producer.send(names[T.ARTICLES_RAW], value=value))
            producer.flush()
            if i == 0:
                time.sleep(2.0)  # the first one alone, on a worker that just said ready
            else:
                time.sleep(1.0 / rate)
        sent = [Published(m.topic, m.partition, m.offset)
                for m in (f.get(timeout=30) for f in futures)]
        wait_for_outcomes(settings, sent, timeout=300)
    finally:
        producer.close()
        worker.stop()
    raw = timestamps(settings, names[T.ARTICLES_RAW])
    out = timestamps(settings, names[T.ARTICLES_OUTCOMES])
    latencies = [(out[p.input_ref] - raw[p.input_ref]) / 1000 for p in sent]
    rest = latencies[1:]
    return {"guarantee": guarantee, "first": latencies[0], "median_rest": statistics.median(rest),
            "p95_rest": statistics.quantiles(rest, n=20)[-1], "n": len(latencies)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--limit", type=int, default=101)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--guarantee", nargs="+", default=["at_least_once", "exactly_once"])
    args = parser.parse_args()
    payloads = [a.model_dump_json().encode() for a in bench_articles(args.corpus, args.limit)]

    tmp = Path(tempfile.mkdtemp(prefix="wirestream-cold-"))
    with bench_broker(tmp) as servers:
        base = WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS=servers, metrics_port=0)
        for guarantee in args.guarantee:
            r = one_guarantee(base, guarantee, payloads, args.rate, tmp)
            print(f"{guarantee}: first article after ready {r['first'] * 1000:.0f} ms; "
                  f"the next {r['n'] - 1} at {args.rate:g}/s: median "
                  f"{r['median_rest'] * 1000:.0f} ms, p95 {r['p95_rest'] * 1000:.0f} ms "
                  f"(first / median {r['first'] / r['median_rest']:.1f}x)")


if __name__ == "__main__":
    main()
