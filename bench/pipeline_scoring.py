"""What the `score_*_pipeline.py` scripts share: a broker (the local one unless
KAFKA_BOOTSTRAP_SERVERS is set), and one worker on fresh topics that the articles are
published to as producers would (JSON, keyed by article id) in publish-date order with local
disorder (each moved up to 5 places, seeded), until every input has its outcome."""

from __future__ import annotations

import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import topics  # noqa: E402
from pipeline.adapters.client import wait_for_outcomes  # noqa: E402
from pipeline.adapters.kafka_io import ensure_topics, publish  # noqa: E402
from pipeline.broker import broker_status, start_broker, stop_broker  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402
from schemas.records import Article, ArticleOutcome  # noqa: E402
from tests.support.workers import WorkerProcess  # noqa: E402


def publish_order(articles: list[Article], rng: random.Random) -> list[Article]:
    ordered = sorted(articles, key=lambda a: (a.published_at, a.id))
    keys = [i + rng.uniform(0, 5) for i in range(len(ordered))]
    return [a for _, a in sorted(zip(keys, ordered, strict=True), key=lambda kv: kv[0])]


@contextmanager
def broker() -> Iterator[WirestreamSettings]:
    """Settings pointing at a broker: KAFKA_BOOTSTRAP_SERVERS's, else the local one (started
    here and stopped afterwards unless it was already running)."""
    base = WirestreamSettings()
    started = False
    if not base.bootstrap_servers:
        started = broker_status() is None
        base = base.model_copy(update={"bootstrap_servers": start_broker().bootstrap_servers})
    try:
        yield base
    finally:
        if started:
            stop_broker()


@contextmanager
def worker_run(base: WirestreamSettings, articles: list[Article], rng: random.Random, *,
               name: str, timeout: float = 600.0, settle: bool = False,
               ) -> Iterator[tuple[WirestreamSettings, dict[str, ArticleOutcome], list[Article]]]:
    """(settings, outcomes by input ref, publish order) while the worker still runs, so the
    output topics can be read; with `settle`, after throttled event updates have flushed and
    a commit made them visible."""
    tag = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.model_copy(update={
            "topic_prefix": f"{name}{tag}.", "app_id": f"wirestream-{name}-{tag}",
            "data_dir": str(Path(tmp) / "worker"), "metrics_port": 0})
        ensure_topics(settings)
        worker = WorkerProcess(settings, Path(tmp) / "worker.log").start()
        try:
            order = publish_order(articles, rng)
            raw = topics.TopicNames(settings.topic_prefix)[topics.ARTICLES_RAW]
            sent = publish(settings, raw, [(a.id.encode(), a.model_dump_json().encode())
                                           for a in order])
            received = wait_for_outcomes(settings, sent, timeout=timeout)
            if settle:
                time.sleep(settings.event_update_interval_seconds
                           + 2 * settings.commit_interval_seconds)
            yield settings, received, order
        finally:
            worker.stop()
