"""The event stage (agent `dedup_events`, source `events.candidates`): folds each mention into
its canonical event's state, emits the mention, and emits the enriched event when it is new
or its throttle allows an update. A record holds an article's mentions of the events that
live in its partition (`EventCandidates`); they are folded one by one, in order.

It owns everything about event state in one place (the shape of bytewax's `StatefulLogic`):
the merge, the throttle of re-emitted updates, expiry by arrival time, and the rebuild of the
derived indices after the `event-state` table is recovered. The store is a Faust table in the
worker (a write or delete made while processing a record goes to that record's changelog
partition) and a dict in tests. A value is the aggregate's JSON as bytes, not a decoded
object: a worker keeps a week of events, and an event's JSON (≈ 1.1 KB on world news) is
less than half what the decoded object costs (`bench/bench_state_memory.py --events`); the
changelog record is the same JSON either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

from pydantic import TypeAdapter

from pipeline import topics
from pipeline.settings import WirestreamSettings
from pipeline.stages.outputs import Output
from pipeline.steps.events.aggregate import EventAggregate, merge_mention
from pipeline.steps.events.enrich import enrich_event
from pipeline.steps.state.expiry import ExpiryIndex
from pipeline.steps.state.throttle import UpdateThrottle
from schemas.records import EnrichedEvent, EventCandidate, EventCandidates, EventMention

NAME = "dedup_events"
ENRICH = "enrich"  # the metric label of the enrichment step inside this stage

StoredAggregate = bytes  # the JSON of an `EventAggregate`
_AGGREGATE: TypeAdapter[EventAggregate] = TypeAdapter(EventAggregate)
# An `events.candidates` value: this version's record, or one candidate as older workers sent.
_CANDIDATES: TypeAdapter[EventCandidates | EventCandidate] = TypeAdapter(
    EventCandidates | EventCandidate)


def read_candidates(value: bytes) -> list[EventCandidate]:
    """The candidates of one `events.candidates` record, in order."""
    record = _CANDIDATES.validate_json(value)
    return record.candidates() if isinstance(record, EventCandidates) else [record]


@dataclass(frozen=True)
class EventResult:
    counted: bool  # False: this exact mention was counted before (a redelivery)
    repeated: bool  # the event was known: this mention is a duplicate of it
    outputs: list[Output]  # the mention, then the enriched event if it goes out now
    expired: int  # events of this partition forgotten after their window


@dataclass(frozen=True)
class BatchResult:
    """The results of one record's candidates, in order."""

    results: list[EventResult]

    @property
    def outputs(self) -> list[Output]:
        return [output for result in self.results for output in result.outputs]


class EventStage:
    def __init__(self, store: MutableMapping[str, StoredAggregate], *, window_seconds: float,
                 update_interval_seconds: float, max_article_refs: int,
                 max_per_partition: int | None = None, quad_topics: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.quad_topics = quad_topics
        self.expiry = ExpiryIndex(window_seconds, max_per_partition)
        # (event-state partition, record): a flush goes into that partition's transaction.
        self.throttle: UpdateThrottle[tuple[int, EnrichedEvent]] = UpdateThrottle(
            update_interval_seconds, clock)
        self.max_article_refs = max_article_refs

    @classmethod
    def from_settings(cls, store: MutableMapping[str, StoredAggregate],
                      settings: WirestreamSettings) -> EventStage:
        """The stage as the worker configures it: kept for its window plus the lateness
        allowed, the bound split evenly over the partitions."""
        return cls(store, window_seconds=settings.event_window_days * 86400
                   + settings.max_lateness_hours * 3600,
                   update_interval_seconds=settings.event_update_interval_seconds,
                   max_article_refs=settings.event_max_article_refs,
                   max_per_partition=-(-settings.event_state_max_entries // settings.partitions),
                   quad_topics=settings.quad_topics)

    def __len__(self) -> int:
        return len(self.expiry)

    def process_all(self, candidates: list[EventCandidate], partition: int) -> BatchResult:
        """Fold the candidates of one record (an article's, for this partition) in order."""
        return BatchResult([self.process(candidate, partition) for candidate in candidates])

    def process(self, candidate: EventCandidate, partition: int) -> EventResult:
        key = candidate.event_id
        stored = self.store.get(key)
        previous = _AGGREGATE.validate_json(stored) if stored else None
        aggregate, counted = merge_mention(previous, candidate,
                                           max_article_refs=self.max_article_refs)
        if not counted:
            return EventResult(counted=False, repeated=True, outputs=[], expired=0)
        aggregate.partition = partition
        aggregate.last_arrival_ts = max(aggregate.last_arrival_ts or candidate.ingest_ts,
                                        candidate.ingest_ts)
        record = enrich_event(key, aggregate)
        emit_now = self.throttle.offer(key, (partition, record), first=previous is None)
        if emit_now is not None:  # stored with the state: what a restart must not repeat
            aggregate.emitted_revision = aggregate.revision
        self.store[key] = _AGGREGATE.dump_json(aggregate)
        self.expiry.touch(key, partition, aggregate.last_arrival_ts)
        expired = self._expire(partition)
        mention = mention_of(candidate)
        outputs = [Output(topics.EVENTS_MENTIONS, mention.mention_id, mention)]
        if emit_now is not None:
            outputs += self._enriched(record, candidate.ingest_ts)
        return EventResult(counted=True, repeated=previous is not None, outputs=outputs,
                           expired=expired)

    def _expire(self, partition: int) -> int:
        removed = 0
        for key in self.expiry.expired(partition):
            # Deleting while processing this partition sends the tombstone to the
            # changelog partition the key lives in.
            if key in self.store:
                del self.store[key]
                removed += 1
        return removed

    def rebuild(self) -> None:
        """Derive the expiry index from the recovered store; re-queue unsent updates."""
        for key, stored in self.store.items():
            aggregate = _AGGREGATE.validate_json(stored)
            # State written before arrival times were kept expires by its last mention's date.
            arrived = aggregate.last_arrival_ts or aggregate.last_seen.timestamp()
            self.expiry.touch(key, aggregate.partition or 0, arrived)
            # An update the throttle held back died with its worker: emit it again.
            if aggregate.emitted_revision is not None and \
                    aggregate.emitted_revision < aggregate.revision:
                self.throttle.hold(key, (aggregate.partition or 0, enrich_event(key, aggregate)))

    def due(self, owned: Callable[[int], bool]) -> list[tuple[int, Output]]:
        """Held-back updates whose interval passed, for partitions this worker owns."""
        return [(partition, output) for partition, record in self.throttle.due()
                if owned(partition) for output in self._enriched(record)]

    def _enriched(self, record: EnrichedEvent, ingest_ts: float | None = None) -> list[Output]:
        """The event record on `events.enriched`, and on its quad class's topic if routed."""
        outputs = [Output(topics.EVENTS_ENRICHED, record.event_id, record, ingest_ts)]
        if self.quad_topics:
            outputs.append(Output(topics.quad_topic(record.quad_class), record.event_id, record))
        return outputs


def mention_of(candidate: EventCandidate) -> EventMention:
    """The `events.mentions` record of one candidate: one sighting of an event."""
    return EventMention(
        mention_id=candidate.mention_id, event_id=candidate.event_id,
        article_id=candidate.article.id, source=candidate.article.source,
        url=candidate.article.url, published_at=candidate.published_at,
        code=candidate.event.code, status=candidate.event.status,
        evidence=candidate.event.evidence, confidence=candidate.event.confidence,
    )
