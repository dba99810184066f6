"""Canonical event identity: which extracted mentions are one real-world event.

An event's id hashes (source, target, CAMEO root, status, location, day), so outlets that
report the same happening on the same day meet in one event-state key; a mention's id makes
redelivery of the same article idempotent.
"""

from __future__ import annotations

import hashlib
from datetime import date

from schemas.records import Article, ArticleRef, EventCandidate, ExtractedEvent


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=10).hexdigest()


def canonical_event_id(event: ExtractedEvent, reference_day: date) -> str:
    """Stable id from (source, target, root, status, location, day).

    The day is the event's own date when the text states one, else `reference_day` (the
    publish day; for a near-duplicate copy, its original's), so two outlets reporting the
    same meeting on the same day get the same id. The status is part of it: a meeting that
    happened and one that is scheduled for the same day are two events, not one.
    """
    day = (event.date_start or reference_day).isoformat()
    location = ""
    if event.location is not None:
        location = event.location.country or event.location.name.casefold()
    source = event.source.code if event.source else ""
    target = event.target.code if event.target else ""
    return _digest(source, target, event.root, event.status, location, day)


def mention_id(event_id: str, article_id: str, event: ExtractedEvent) -> str:
    """One mention = one event in one sentence of one article; stable across redeliveries."""
    return _digest(event_id, article_id, str(event.evidence.start))


def make_candidates(
    article: Article,
    events: list[ExtractedEvent],
    *,
    input_ref: str,
    ingest_ts: float,
    story_id: str | None = None,
    reference_day: date | None = None,
) -> list[EventCandidate]:
    """One candidate per extracted event, keyed for the event-dedup partition."""
    ref = ArticleRef(id=article.id, source=article.source, url=article.url, title=article.title)
    day = reference_day or article.published_at.date()
    candidates = []
    for event in events:
        event_id = canonical_event_id(event, day)
        candidates.append(
            EventCandidate(
                event_id=event_id,
                mention_id=mention_id(event_id, article.id, event),
                event=event,
                article=ref,
                published_at=article.published_at,
                story_id=story_id,
                input_ref=input_ref,
                ingest_ts=ingest_ts,
            )
        )
    return candidates
