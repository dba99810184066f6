"""Score event extraction through the running pipeline: publish gold articles to a real broker,
let a worker process them, read what consumers read, score it with `wirestream eval events`'s
matcher.

    python bench/score_events_pipeline.py tests/data/gold/world-dev.jsonl [more gold files]

Articles are published as producers would (JSON, keyed by article id) in publish-date order
with local disorder (each one moved up to 5 places, seeded). Per article, the predictions are
its mentions on `events.mentions` (read_committed), each with the actors and CAMEO code of its
canonical event on `events.enriched` and the mention's own evidence sentence. A copy's events
are mentions of its original's events, as a consumer sees them. Uses the local broker unless
KAFKA_BOOTSTRAP_SERVERS is set; prints one JSON line per gold file.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import topics  # noqa: E402
from pipeline.adapters.client import wait_for_outcomes  # noqa: E402
from pipeline.adapters.kafka_io import ensure_topics, publish, read_topic  # noqa: E402
from pipeline.broker import broker_status, start_broker, stop_broker  # noqa: E402
from pipeline.evaluation.events import load_gold, score  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402
from schemas.records import Article, EnrichedEvent, EventMention, ExtractedEvent  # noqa: E402
from tests.support.workers import WorkerProcess  # noqa: E402


def publish_order(articles: list[Article], rng: random.Random) -> list[Article]:
    ordered = sorted(articles, key=lambda a: (a.published_at, a.id))
    keys = [i + rng.uniform(0, 5) for i in range(len(ordered))]
    return [a for _, a in sorted(zip(keys, ordered, strict=True), key=lambda kv: kv[0])]


def predictions(settings: WirestreamSettings) -> dict[str, list[ExtractedEvent]]:
    names = topics.TopicNames(settings.topic_prefix)
    events: dict[str, EnrichedEvent] = {}
    for _, value in read_topic(settings, names[topics.EVENTS_ENRICHED], timeout=30):
        event = EnrichedEvent.model_validate_json(value)
        events[event.event_id] = event
    by_article: dict[str, list[ExtractedEvent]] = {}
    for _, value in read_topic(settings, names[topics.EVENTS_MENTIONS], timeout=30):
        mention = EventMention.model_validate_json(value)
        event = events.get(mention.event_id)
        if event is None:
            continue
        by_article.setdefault(mention.article_id, []).append(ExtractedEvent(
            source=event.source, target=event.target, code=mention.code, status=mention.status,
            location=event.location, date_start=event.date_start, date_end=event.date_end,
            evidence=mention.evidence, confidence=mention.confidence))
    return by_article


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, nargs="+")
    args = parser.parse_args()
    base = WirestreamSettings()
    started = False
    if not base.bootstrap_servers:
        started = broker_status() is None
        base = base.model_copy(update={"bootstrap_servers": start_broker().bootstrap_servers})
    try:
        for gold in args.gold:
            print(json.dumps(score_file(base, gold, random.Random(7))))  # noqa: S311
    finally:
        if started:
            stop_broker()


def score_file(base: WirestreamSettings, gold: Path, rng: random.Random) -> dict:
    """Publish the gold file's articles, let a worker process them, score what it emitted."""
    records = load_gold(gold)
    tag = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.model_copy(update={
            "topic_prefix": f"score{tag}.", "app_id": f"wirestream-score-{tag}",
            "data_dir": str(Path(tmp) / "worker"), "metrics_port": 0})
        ensure_topics(settings)
        worker = WorkerProcess(settings, Path(tmp) / "worker.log").start()
        try:
            order = publish_order([a for a, _ in records], rng)
            raw = topics.TopicNames(settings.topic_prefix)[topics.ARTICLES_RAW]
            sent = publish(settings, raw, [(a.id.encode(), a.model_dump_json().encode())
                                           for a in order])
            wait_for_outcomes(settings, sent, timeout=600)
            # Throttled updates flush within the update interval; the commit makes them
            # visible: wait for both before reading.
            time.sleep(settings.event_update_interval_seconds
                       + 2 * settings.commit_interval_seconds)
            found = predictions(settings)
        finally:
            worker.stop()
    scores = score(records, lambda article: found.get(article.id, []))
    return {**scores.summary(), "file": str(gold), "path": "pipeline"}


if __name__ == "__main__":
    main()
