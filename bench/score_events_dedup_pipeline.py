"""`wirestream eval events-dedup` through the running pipeline: publish the articles to a real
broker, let a worker process them, and score what consumers read with the eval's own scorer.

    python bench/score_events_dedup_pipeline.py ../shared/corpora/world-news-2015-2020.jsonl \
        [--pairs tests/data/gold/event-pairs.jsonl]

Articles are published as producers would (JSON, keyed by article id) in publish-date order
with local disorder (each moved up to 5 places, seeded), as `score_events_pipeline.py` does.
Every mention on `events.mentions` (read_committed) is one candidate: its canonical event id,
the actors of that event on `events.enriched`, the mention's code, status and evidence, and
the story its article's outcome names. Groups, splits, over-merges and the judged pairs are
then counted by `pipeline.evaluation.event_identity`, exactly as in-process. Uses the local
broker unless KAFKA_BOOTSTRAP_SERVERS is set; prints one JSON line.
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
from pipeline.evaluation.dedup import _article_fields, load_labelled  # noqa: E402
from pipeline.evaluation.event_identity import load_pairs, pair_scores, score  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402
from schemas.records import (  # noqa: E402
    Article,
    ArticleOutcome,
    ArticleRef,
    EnrichedEvent,
    EventCandidate,
    EventMention,
    ExtractedEvent,
)


def candidates(settings: WirestreamSettings) -> list[EventCandidate]:
    """Every mention consumers read, as the candidate the article stage had emitted."""
    names = topics.TopicNames(settings.topic_prefix)
    stories: dict[str, str | None] = {}
    for _, value in read_topic(settings, names[topics.ARTICLES_OUTCOMES], timeout=30):
        outcome = ArticleOutcome.model_validate_json(value)
        if outcome.article_id is not None:
            stories[outcome.article_id] = outcome.story_id
    events: dict[str, EnrichedEvent] = {}
    for _, value in read_topic(settings, names[topics.EVENTS_ENRICHED], timeout=30):
        event = EnrichedEvent.model_validate_json(value)
        events[event.event_id] = event
    found: list[EventCandidate] = []
    for _, value in read_topic(settings, names[topics.EVENTS_MENTIONS], timeout=30):
        mention = EventMention.model_validate_json(value)
        event = events.get(mention.event_id)
        if event is None:
            continue
        found.append(EventCandidate(
            event_id=mention.event_id, mention_id=mention.mention_id,
            event=ExtractedEvent(source=event.source, target=event.target, code=mention.code,
                                 status=mention.status, location=event.location,
                                 date_start=event.date_start, date_end=event.date_end,
                                 evidence=mention.evidence, confidence=mention.confidence),
            article=ArticleRef(id=mention.article_id, source=mention.source, url=mention.url),
            published_at=mention.published_at, story_id=stories.get(mention.article_id),
            input_ref="", ingest_ts=0.0))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labelled", type=Path)
    parser.add_argument("--pairs", type=Path)
    args = parser.parse_args()
    with broker() as base:
        print(json.dumps(score_file(base, args.labelled, args.pairs, random.Random(7))))  # noqa: S311


def score_file(base: WirestreamSettings, labelled: Path, pairs: Path | None,
               rng: random.Random) -> dict:
    rows = load_labelled(labelled)
    by_id = {str(row["id"]): row for row in rows.good}
    articles = [Article.model_validate(_article_fields(row)) for row in rows.good]
    with worker_run(base, articles, rng, name="evdedup", timeout=1800, settle=True) as (
            settings, _, _):
        found = [(by_id.get(c.article.id, {}), c) for c in candidates(settings)]
    result = {**score(found), "articles": len(rows.good), "bad_rows": len(rows.bad),
              "file": str(labelled), "path": "pipeline"}
    if pairs is not None:
        judged = load_pairs(pairs)
        result.update(pair_scores(judged.good, found), pairs_bad_rows=len(judged.bad))
    return result


if __name__ == "__main__":
    main()
