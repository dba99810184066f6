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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pipeline_scoring import broker, worker_run  # noqa: E402
from pipeline import topics  # noqa: E402
from pipeline.adapters.kafka_io import read_topic  # noqa: E402
from pipeline.evaluation.events import load_gold, score  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402
from schemas.records import EnrichedEvent, EventMention, ExtractedEvent  # noqa: E402


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
    with broker() as base:
        for gold in args.gold:
            print(json.dumps(score_file(base, gold, random.Random(7))))  # noqa: S311


def score_file(base: WirestreamSettings, gold: Path, rng: random.Random) -> dict:
    """Publish the gold file's articles, let a worker process them, score what it emitted."""
    records = load_gold(gold)
    with worker_run(base, [a for a, _ in records], rng, name="score", settle=True) as (
            settings, _, _):
        found = predictions(settings)
    scores = score(records, lambda article: found.get(article.id, []))
    return {**scores.summary(), "file": str(gold), "path": "pipeline"}


if __name__ == "__main__":
    main()
