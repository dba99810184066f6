"""The article-dedup stage (agent `dedup_articles`, source `articles.valid`): decides whether
each article is new or a copy, assigns its story, and turns its events into candidates (one
record per event-dedup partition their canonical event ids live in), plus the article's
outcome.

State is the `article-index` store (a Faust table in the worker, a dict in tests); the
in-memory indices derived from it are rebuilt by `rebuild()` after the table is recovered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

from pipeline import topics
from pipeline.codec import encode
from pipeline.settings import MAX_MESSAGE_BYTES, WirestreamSettings
from pipeline.stages.ingest import restore_events
from pipeline.stages.outputs import Clock, Output, fit, outcome, rejection
from pipeline.steps.article_dedup.article_index import ArticleIndex, Decision, StoredEntry
from pipeline.steps.article_dedup.near_dup import MatchRule
from pipeline.steps.events.identity import make_candidates, mentions_of
from pipeline.steps.events.partition import by_partition
from schemas.records import ArticleOutcome, ValidArticle

NAME = "dedup_articles"


@dataclass(frozen=True)
class ArticleResult:
    decision: Decision
    outputs: list[Output]  # the event candidates (a record per partition), then the outcome
    expired: int  # index entries that fell out of the window
    seconds: float  # time spent deciding


class ArticleStage:
    def __init__(self, store: MutableMapping[str, StoredEntry], *, window_seconds: float,
                 rule: MatchRule, story_threshold: float, now: Clock,
                 lateness_seconds: float = 0.0, max_entries: int | None = None,
                 max_message_bytes: int = MAX_MESSAGE_BYTES, partitions: int = 1,
                 timer: Callable[[], float] = time.perf_counter) -> None:
        self.max_message_bytes = max_message_bytes
        self.partitions = partitions  # of `events.candidates` (checked at start-up)
        self.index = ArticleIndex(store, window_seconds=window_seconds, rule=rule,
                                  story_threshold=story_threshold, max_entries=max_entries,
                                  lateness_seconds=lateness_seconds)
        self.now = now
        self.timer = timer

    @classmethod
    def from_settings(cls, store: MutableMapping[str, StoredEntry],
                      settings: WirestreamSettings, now: Clock) -> ArticleStage:
        """The stage as the worker configures it (the eval command builds it the same way)."""
        return cls(store, window_seconds=settings.article_dedup_window_hours * 3600,
                   rule=MatchRule(jaccard=settings.near_dup_jaccard,
                                  containment=settings.near_dup_containment),
                   story_threshold=settings.story_threshold, now=now,
                   lateness_seconds=settings.max_lateness_hours * 3600,
                   max_entries=settings.article_index_max_entries,
                   max_message_bytes=settings.max_message_bytes,
                   partitions=settings.partitions)

    def rebuild(self) -> None:
        """Derive the in-memory indices again from the (recovered) store."""
        self.index.rebuild()

    def __len__(self) -> int:
        return len(self.index)

    def process(self, record: ValidArticle) -> ArticleResult:
        article = record.article
        start = self.timer()
        events = restore_events(article, record.events)
        decision = self.index.decide(article, record.sketch, arrived_ts=record.ingest_ts,
                                     mentions=mentions_of(events))
        expired = self.index.expire(self.index.clock)
        seconds = self.timer() - start
        # A copy's events count as mentions of its original's events: same reference day;
        # an event another outlet dated a day or two apart takes that day (`events/days.py`).
        candidates = make_candidates(
            article, events, input_ref=record.input_ref, ingest_ts=record.ingest_ts,
            story_id=decision.story_id, reference_day=decision.reference_published_at.date(),
            days=decision.days)
        outputs = [Output(topics.EVENTS_CANDIDATES, article.id, batch, partition=partition)
                   for partition, batch in by_partition(candidates, self.partitions)]
        outputs.append(outcome(ArticleOutcome(
            input_ref=record.input_ref,
            status="duplicate" if decision.is_duplicate else "processed",
            article_id=article.id, event_ids=sorted({c.event_id for c in candidates}),
            duplicate_of=decision.duplicate_of, similarity=decision.similarity,
            supersedes=decision.supersedes,
            story_id=decision.story_id, published_at=article.published_at,
            decided_at=self.now()), record.ingest_ts))
        # The article is in the index either way: a copy of it is still a copy.
        outputs = fit(outputs, self.max_message_bytes, NAME, lambda err: rejection(
            err, encode(article), record.input_ref, record.ingest_ts, self.now,
            self.max_message_bytes))
        return ArticleResult(decision, outputs, expired, seconds)
