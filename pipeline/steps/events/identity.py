"""Canonical event identity: which extracted mentions are one real-world event.

An event's id hashes (source, target, CAMEO root, status, day), so outlets that report the
same happening meet in one event-state key; a mention's id makes redelivery of the same
article idempotent. Outlets differ on the place (one says Pyongyang, one North Korea, one
nothing) and on the day (one publishes the next day), so the location is not part of the
identity (an attribute the first located mention fills in) and the day of an undated mention
is its story's first day (see `article_dedup.article_index`).

The status stays in it. Folding planned, expected and actual into one class would merge "will
meet" and "met" across outlets, but also two happenings of one article: the seed's "Netanyahu
met Witkoff" and "is scheduled to meet Trump" (both ISRGOV -> USAGOV, 040, that Tuesday).
Instead the article-dedup stage chooses the (day, status) a mention is keyed by from the
events other articles of its story were keyed by (`days.EventDays`): a "met" after another
outlet's "will meet" takes that event's id, an article's own mentions never join each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from pipeline.steps.events.days import Keyed, Mention, Period, own_day
from schemas.records import Article, ArticleRef, EventCandidate, ExtractedEvent


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=10).hexdigest()


def canonical_event_id(event: ExtractedEvent, reference_day: date,
                       keyed: Keyed | None = None) -> str:
    """Stable id from (source, target, root, status, day).

    Day and status are `keyed` when the article-dedup stage chose them (those of another
    outlet's mention of the same story, actors and root: `days.EventDays`), else the event's
    own status and its date when the text states one, else `reference_day` (the article's
    story's first day, or its publish day; for a near-duplicate copy, its original's), so
    outlets reporting one meeting, that day or the next, get one id.
    """
    day, status = keyed or (own_day(stated_period(event), reference_day)[0], event.status)
    source = event.source.code if event.source else ""
    target = event.target.code if event.target else ""
    return _digest(source, target, event.root, status, day.isoformat())


def stated_period(event: ExtractedEvent) -> Period | None:
    """The event's stated date as a period (one day, or "last week"), None when unstated."""
    if event.date_start is None:
        return None
    return event.date_start, max(event.date_end or event.date_start, event.date_start)


def mentions_of(events: Sequence[ExtractedEvent]) -> list[Mention]:
    """(source, target, root, stated period, status) of each event, as the article-dedup
    stage keys event days by them."""
    return [(e.source.code if e.source else "", e.target.code if e.target else "", e.root,
             stated_period(e), e.status) for e in events]


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
    days: Sequence[Keyed] = (),
) -> list[EventCandidate]:
    """One candidate per extracted event, keyed for the event-dedup partition; `days`: the
    (day, status) each event is keyed by, when the article-dedup stage chose them."""
    ref = ArticleRef(id=article.id, source=article.source, url=article.url, title=article.title)
    day = reference_day or article.published_at.date()
    if days and len(days) != len(events):
        raise ValueError(f"{len(days)} keyed days for {len(events)} events")
    chosen: Sequence[Keyed | None] = days or [None] * len(events)
    candidates = []
    for event, keyed_by in zip(events, chosen, strict=True):
        event_id = canonical_event_id(event, day, keyed_by)
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
