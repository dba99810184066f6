"""Mention counting per canonical event (GDELT-style NumMentions/Articles/Sources).

Pure: the caller keeps `EventAggregate` records in a store keyed by `event_id` (a Faust table
in the worker) and passes them in and out.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from schemas.records import ArticleRef, EventCandidate, ExtractedEvent

# Bound on remembered mention ids: enough to make redelivery of recent inputs idempotent
# without letting one viral event's state grow without limit.
_MAX_MENTION_IDS = 512
_MAX_SOURCES = 512


def refined(event: ExtractedEvent, other: ExtractedEvent) -> ExtractedEvent:
    """The event's attributes, completed by another mention of it: a location when the first
    mention had none, a stated date when it had none, and the status a planned or expected
    event reaches when a later mention reports it happened (`days.EventDays` joins them)."""
    update: dict[str, object] = {}
    if event.status in ("planned", "expected") and other.status == "actual":
        update["status"] = "actual"
    if event.location is None and other.location is not None:
        update["location"] = other.location
    if event.date_start is None and other.date_start is not None:
        update["date_start"], update["date_end"] = other.date_start, other.date_end
    return event.model_copy(update=update) if update else event


class EventAggregate(BaseModel):
    """Per canonical event state: the first mention's event, refined by later ones (see
    `refined`), plus counters."""

    model_config = ConfigDict(extra="ignore")

    event: ExtractedEvent
    revision: int = 0  # bumped on every counted mention; 1 = first announcement
    partition: int | None = None  # partition the state lives in, for expiry after recovery
    emitted_revision: int | None = None  # last revision published; None: unknown (old state)
    story_id: str | None = None
    num_mentions: int = 0
    first_seen: datetime
    last_seen: datetime
    last_arrival_ts: float | None = None  # latest mention's arrival (epoch s): expiry's clock
    articles: list[ArticleRef] = Field(default_factory=list)
    num_articles: int = 0
    recent_article_ids: list[str] = Field(default_factory=list)  # bounded, to count distinct
    sources: list[str] = Field(default_factory=list)  # bounded distinct outlets
    mention_ids: list[str] = Field(default_factory=list)  # bounded, for idempotence

    @property
    def num_sources(self) -> int:
        return len(self.sources)


def merge_mention(
    aggregate: EventAggregate | None, candidate: EventCandidate, *, max_article_refs: int
) -> tuple[EventAggregate, bool]:
    """Fold one mention into the aggregate. Returns (aggregate, counted).

    `counted` is False when this exact mention was already counted (a redelivered input):
    counts stay as they are, so at-least-once delivery does not inflate them.
    """
    seen_at = candidate.published_at.astimezone(UTC)
    if aggregate is None:
        aggregate = EventAggregate(event=candidate.event, first_seen=seen_at, last_seen=seen_at,
                                   story_id=candidate.story_id)
    elif candidate.mention_id in aggregate.mention_ids:
        return aggregate, False
    # Shallow: the nested records are frozen and every list is rebuilt, never changed in
    # place, so the input stays as it was (a deep copy was 73% of the event stage's time).
    agg = aggregate.model_copy()
    agg.event = refined(agg.event, candidate.event)
    agg.revision += 1
    agg.num_mentions += 1
    agg.first_seen = min(agg.first_seen, seen_at)
    agg.last_seen = max(agg.last_seen, seen_at)
    agg.mention_ids = (agg.mention_ids + [candidate.mention_id])[-_MAX_MENTION_IDS:]
    if candidate.article.id not in agg.recent_article_ids:
        agg.num_articles += 1
        agg.recent_article_ids = (agg.recent_article_ids + [candidate.article.id])[
            -_MAX_MENTION_IDS:
        ]
        if len(agg.articles) < max_article_refs:
            agg.articles = [*agg.articles, candidate.article]
    if candidate.article.source not in agg.sources and len(agg.sources) < _MAX_SOURCES:
        agg.sources = [*agg.sources, candidate.article.source]
    return agg, True
