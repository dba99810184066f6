"""What the broker benchmarks share: their articles and their cluster."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.bench_extract import generated, load
from pipeline.broker import start_broker, stop_broker
from schemas.records import Article


def bench_articles(corpus: Path | None, limit: int) -> list[Article]:
    """`limit` articles of a JSONL corpus, or generated ones when none is given."""
    return load(corpus, limit) if corpus else generated(limit)


@contextmanager
def bench_broker(run_dir: Path) -> Iterator[str]:
    """Bootstrap servers: `KAFKA_BOOTSTRAP_SERVERS` when set (`start_broker` returns that
    cluster and `stop_broker` never touches it), else a local broker of this run, stopped
    after it."""
    info = start_broker(run_dir / "broker")
    try:
        yield info.bootstrap_servers
    finally:
        stop_broker(run_dir / "broker")
