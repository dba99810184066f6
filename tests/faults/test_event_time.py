"""Event time is input too: a backfill of 2005 articles interleaved with a live feed, one
article dated ten years ahead and a worker restart in the middle must not wipe the dedup
state. Before expiry ran on arrival time, the first current article moved the window past
every 2005 entry and the backfill's copies passed as new."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.client import wait_for_outcomes
from pipeline.adapters.kafka_io import publish
from tests.faults.test_worker_crash import fault_settings
from tests.support.variants import make_variant, seeded, synthetic_article, synthetic_vocabulary
from tests.support.workers import WorkerProcess

pytestmark = pytest.mark.faults

BACKFILL_START = datetime(2005, 3, 1, tzinfo=UTC)
N_STORIES = 30  # per feed


def _articles(rng, vocabulary, feed: str, start: datetime, step: timedelta) -> list[dict]:
    out = []
    for i in range(N_STORIES):
        title, body = synthetic_article(rng, vocabulary)
        out.append({"id": f"{feed}-{i}", "source": "wire", "title": title, "body": body,
                    "published_at": (start + i * step).isoformat()})
    return out


def _copy(rng, original: dict, n: int) -> dict:
    title, body = make_variant(original["title"], original["body"],
                               ["headline", "typos", "boilerplate"], rng)
    published = datetime.fromisoformat(original["published_at"]) + timedelta(hours=3)
    return {**original, "id": f"copy-{n}-{original['id']}", "source": f"outlet-{n}",
            "title": title, "body": body, "published_at": published.isoformat()}


def test_a_backfill_beside_a_live_feed_keeps_finding_copies(bootstrap_servers: str,
                                                           tmp_path: Path) -> None:
    settings = fault_settings(bootstrap_servers, tmp_path)
    rng = seeded(12)
    vocabulary = synthetic_vocabulary(rng)
    now = datetime.now(UTC).replace(microsecond=0)
    backfill = _articles(rng, vocabulary, "backfill", BACKFILL_START, timedelta(hours=6))
    live = _articles(rng, vocabulary, "live", now - timedelta(hours=4), timedelta(minutes=5))
    title, body = synthetic_article(rng, vocabulary)
    future = {"id": "future", "source": "wire", "title": title, "body": body,
              "published_at": (now + timedelta(days=3650)).isoformat()}
    # Originals interleaved (backfill, live, backfill, ...), the future one among them;
    # then each original's first copy; then, after a restart, a second copy of each.
    originals = [a for pair in zip(backfill, live, strict=True) for a in pair]
    originals.insert(len(originals) // 2, future)
    first_copies = [_copy(rng, a, 1) for a in originals if a is not future]
    second_copies = [_copy(rng, a, 2) for a in originals if a is not future]
    raw = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]

    def send(articles: list[dict]) -> dict:
        sent = publish(settings, raw, [(a["id"].encode(), json.dumps(a).encode())
                                       for a in articles])
        return {o.article_id: o for o in wait_for_outcomes(settings, sent).values()}

    t0 = time.monotonic()
    worker = WorkerProcess(settings, tmp_path / "first.log").start()
    try:
        assert {o.status for o in send(originals).values()} == {"processed"}
        found = send(first_copies)
    finally:
        worker.stop()
    worker = WorkerProcess(settings, tmp_path / "second.log").start(timeout=120)
    try:
        found |= send(second_copies)
    finally:
        worker.stop()
    wrong = {aid: (o.status, o.duplicate_of) for aid, o in found.items()
             if (o.status, o.duplicate_of) != ("duplicate", aid.split("-", 2)[2])}
    assert wrong == {}, wrong
    print(f"\nbackfill beside a live feed, {time.monotonic() - t0:.0f}s: "  # noqa: T201
          f"{len(originals)} originals (2005 and today, one dated 2036), {len(found)} copies "
          f"across a restart, all found")
