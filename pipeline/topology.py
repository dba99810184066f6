"""The Wirestream stream topology, wired in one place.

    articles.raw (bytes, N partitions)
      │ validate ── bad input ──► articles.dlq (DeadLetter) + articles.outcomes (rejected)
      │ extract_events
      ▼
    articles.valid (1 partition: every article meets every earlier copy)
      │ dedup_articles [table article-index] ──► articles.outcomes (processed | duplicate)
      ▼
    events.candidates (key: canonical event id, N partitions)
      │ dedup_events [table event-state] → enrich
      ├──► events.enriched (key: event id, compacted; re-emitted, throttled, as counts change)
      └──► events.mentions (key: mention id)

Parsing and extraction, the costly steps, run in parallel over the raw partitions; the
article-dedup stage is cheap and sequential; event state is partitioned by event id. Agents
are short loops over pure steps (`pipeline.steps`); each step's name is its agent name,
metric label and the dead letter's `stage`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

import faust
from faust.types import TP

from pipeline import topics as T
from pipeline.codec import encode, input_ref
from pipeline.errors import InputError, StepFailedError, call_with_retries
from pipeline.extractors import load_extractor
from pipeline.kafka_io import LagProbe
from pipeline.metrics import WirestreamMetrics
from pipeline.security import faust_credentials
from pipeline.settings import WirestreamSettings
from pipeline.steps import article_index, enrich, event_dedup, near_dup, validate
from pipeline.steps.expiry import ExpiryIndex, bounded_event_time
from pipeline.steps.throttle import UpdateThrottle
from pipeline.transactions import WirestreamApp, producing_for, transactional
from schemas.records import (
    ArticleOutcome,
    DeadLetter,
    EnrichedEvent,
    EventCandidate,
    EventMention,
    ValidArticle,
)

log = logging.getLogger(__name__)

EXTRACT_STAGE = "extract_events"


def _faust_broker_url(servers: str) -> str:
    return ";".join(f"kafka://{s.strip()}" for s in servers.split(",") if s.strip())


def create_app(settings: WirestreamSettings, metrics: WirestreamMetrics) -> faust.App:
    """Build the Faust app with all topics, tables and agents."""
    names = T.TopicNames(settings.topic_prefix)
    extract_events = load_extractor(settings.extractor)
    # Faust with one transaction per source partition: see pipeline/transactions.py.
    app = WirestreamApp(
        settings.app_id,
        broker=_faust_broker_url(settings.bootstrap_servers),
        broker_credentials=faust_credentials(settings),
        store="memory://",  # state is rebuilt from the changelog topics on start
        datadir=settings.data_dir,
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        processing_guarantee=settings.processing_guarantee,
        broker_commit_interval=settings.commit_interval_seconds,
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=min(3.0, settings.session_timeout_seconds / 3),
        consumer_auto_offset_reset="earliest",
        stream_buffer_maxsize=settings.stream_buffer_records,
        web_enabled=False,
        key_serializer="raw",
        value_serializer="raw",
    )

    def topic(base: str) -> faust.TopicT:
        return app.topic(names[base], key_type=bytes, value_type=bytes)

    raw, dlq, outcomes = topic(T.ARTICLES_RAW), topic(T.ARTICLES_DLQ), topic(T.ARTICLES_OUTCOMES)
    valid, candidates = topic(T.ARTICLES_VALID), topic(T.EVENTS_CANDIDATES)
    enriched, mentions = topic(T.EVENTS_ENRICHED), topic(T.EVENTS_MENTIONS)

    # Plain key/value types: Faust stores them as JSON in the changelog topics.
    async def rebuild_article_index() -> None:
        articles.rebuild()

    articles_table = app.Table(T.TABLE_ARTICLE_INDEX, default=None, key_type=str, partitions=1,
                               on_recover=rebuild_article_index)
    # Derived in-memory indices (LSH bands, stories) over the table; rebuilt on recovery.
    articles = article_index.ArticleIndex(
        articles_table,
        window_seconds=settings.article_dedup_window_hours * 3600,
        rule=near_dup.MatchRule(jaccard=settings.near_dup_jaccard,
                                containment=settings.near_dup_containment),
        story_threshold=settings.story_threshold,
    )
    skew = settings.max_future_skew_hours * 3600
    event_expiry = ExpiryIndex(settings.event_window_days * 86400)
    # (event-state partition, record): a flush goes into that partition's transaction.
    throttle: UpdateThrottle[tuple[int, EnrichedEvent]] = UpdateThrottle(
        settings.event_update_interval_seconds, time.monotonic)

    async def rebuild_event_expiry() -> None:
        # The expiry index is derived state: rebuild it from the recovered table.
        for key, stored in event_state.items():
            last_seen = datetime.fromisoformat(stored["last_seen"]).timestamp()
            event_expiry.touch(key, stored.get("partition") or 0, last_seen)
            # An update the throttle held back died with its worker: emit it again.
            aggregate = event_dedup.EventAggregate.model_validate(stored)
            if aggregate.emitted_revision is not None and \
                    aggregate.emitted_revision < aggregate.revision:
                throttle.hold(key, (aggregate.partition or 0, enrich.enrich_event(key, aggregate)))

    event_state = app.Table(T.TABLE_EVENT_STATE, default=None, key_type=str,
                            partitions=settings.partitions, on_recover=rebuild_event_expiry)

    async def emit_outcome(outcome: ArticleOutcome, ingest_ts: float) -> None:
        await outcomes.send(key=outcome.input_ref.encode(), value=encode(outcome))
        metrics.outcomes.labels(outcome.status).inc()
        metrics.latency.labels(T.ARTICLES_OUTCOMES).observe(max(time.time() - ingest_ts, 0))

    async def dead_letter(err: InputError, original: bytes, ref: str, ingest_ts: float) -> None:
        topic_name, partition, offset = ref.rsplit(":", 2)
        letter = DeadLetter(stage=err.stage, error_type=err.error_type, message=err.message,
                            original=original, source_topic=topic_name,
                            partition=int(partition), offset=int(offset), failed_at=_now())
        await dlq.send(key=ref.encode(), value=encode(letter))
        metrics.failed.labels(err.stage, err.error_type).inc()
        metrics.dead_letters.labels(err.error_type).inc()
        await emit_outcome(ArticleOutcome(input_ref=ref, status="rejected",
                                          reason=err.error_type, decided_at=_now()), ingest_ts)

    def as_input_error(exc: Exception, stage: str) -> InputError:
        """Expected input errors pass through; anything else is a step failure on this record."""
        if isinstance(exc, InputError):
            return exc
        log.error("step %s failed on a record", stage, exc_info=exc)
        return StepFailedError(f"{stage} failed {settings.step_attempts} times: "
                               f"{type(exc).__name__}: {exc}", stage=stage)

    @app.agent(raw, name=validate.STAGE)
    async def validate_articles(stream: faust.StreamT) -> None:
        async for event in transactional(app, stream):
            msg = event.message
            ref = input_ref(msg.topic, msg.partition, msg.offset)
            value = event.value or b""
            try:
                with metrics.stage_seconds.labels(validate.STAGE).time():
                    article = validate.decode_article(value, max_bytes=settings.max_article_bytes)
            except Exception as exc:  # noqa: BLE001 - bad input must never stop the partition
                await dead_letter(as_input_error(exc, validate.STAGE), value, ref, msg.timestamp)
                continue
            metrics.processed.labels(validate.STAGE).inc()
            try:
                with metrics.stage_seconds.labels(EXTRACT_STAGE).time():
                    found = call_with_retries(
                        lambda a=article: extract_events(a), attempts=settings.step_attempts,
                        on_retry=lambda _: metrics.retries.labels(EXTRACT_STAGE).inc())
            except Exception as exc:  # noqa: BLE001 - a poison record must not stop the partition
                await dead_letter(as_input_error(exc, EXTRACT_STAGE), value, ref, msg.timestamp)
                continue
            metrics.processed.labels(EXTRACT_STAGE).inc()
            for extracted in found:
                metrics.events_extracted.labels(extracted.root).inc()
            record = ValidArticle(input_ref=ref, ingest_ts=msg.timestamp, article=article,
                                  sketch=article_index.sketch(article), events=found)
            await valid.send(key=article.id.encode(), value=encode(record))

    @app.agent(valid, name=article_index.STAGE)
    async def dedup_articles(stream: faust.StreamT) -> None:
        async for event in transactional(app, stream):
            value = event.value
            record = ValidArticle.model_validate_json(value)
            article = record.article
            with metrics.stage_seconds.labels(article_index.STAGE).time():
                decision = articles.decide(article, record.sketch)
                expired = articles.expire(bounded_event_time(
                    articles.watermark, record.ingest_ts, skew))
            metrics.processed.labels(article_index.STAGE).inc()
            metrics.expired.labels(T.TABLE_ARTICLE_INDEX).inc(expired)
            # A copy's events count as mentions of its original's events: same reference day.
            batch = event_dedup.make_candidates(
                article, record.events, input_ref=record.input_ref, ingest_ts=record.ingest_ts,
                story_id=decision.story_id,
                reference_day=decision.reference_published_at.date())
            for candidate in batch:
                await candidates.send(key=candidate.event_id.encode(), value=encode(candidate))
            if decision.is_duplicate:
                metrics.duplicates.labels("article").inc()
            await emit_outcome(ArticleOutcome(
                input_ref=record.input_ref,
                status="duplicate" if decision.is_duplicate else "processed",
                article_id=article.id, event_ids=sorted({c.event_id for c in batch}),
                duplicate_of=decision.duplicate_of, similarity=decision.similarity,
                story_id=decision.story_id, published_at=article.published_at,
                decided_at=_now()), record.ingest_ts)

    @app.agent(candidates, name=event_dedup.STAGE)
    async def dedup_events(stream: faust.StreamT) -> None:
        async for event in transactional(app, stream):
            candidate = EventCandidate.model_validate_json(event.value)
            partition = event.message.partition
            stored = event_state.get(candidate.event_id)
            previous = event_dedup.EventAggregate.model_validate(stored) if stored else None
            aggregate, counted = event_dedup.merge_mention(
                previous, candidate, max_article_refs=settings.event_max_article_refs)
            metrics.processed.labels(event_dedup.STAGE).inc()
            if not counted:
                continue
            if previous is not None:
                metrics.duplicates.labels("event").inc()
            aggregate.partition = partition
            record = enrich.enrich_event(candidate.event_id, aggregate)
            emit_now = throttle.offer(record.event_id, (partition, record), first=previous is None)
            if emit_now is not None:  # stored with the state: what a restart must not repeat
                aggregate.emitted_revision = aggregate.revision
            event_state[candidate.event_id] = aggregate.model_dump(mode="json")
            event_expiry.touch(candidate.event_id, partition, bounded_event_time(
                candidate.published_at.timestamp(), candidate.ingest_ts, skew))
            for key in event_expiry.expired(partition):
                # Deleting while processing this partition sends the tombstone to the
                # changelog partition the key lives in.
                if key in event_state:
                    del event_state[key]
                    metrics.expired.labels(T.TABLE_EVENT_STATE).inc()
            mention = _mention(candidate)
            await mentions.send(key=mention.mention_id.encode(), value=encode(mention))
            metrics.processed.labels(enrich.STAGE).inc()
            if emit_now is not None:
                await emit_event(record, candidate.ingest_ts)

    async def emit_event(record: EnrichedEvent, ingest_ts: float | None) -> None:
        await enriched.send(key=record.event_id.encode(), value=encode(record))
        if ingest_ts is not None:
            metrics.latency.labels(T.EVENTS_ENRICHED).observe(max(time.time() - ingest_ts, 0))

    @app.timer(interval=1.0)
    async def flush_event_updates() -> None:
        assigned = app.consumer.assignment()
        due = [(p, r) for p, r in throttle.due() if TP(candidates.get_topic_name(), p) in assigned]
        for partition, record in due:
            async with producing_for(app, TP(candidates.get_topic_name(), partition)):
                await emit_event(record, None)
        if due and app.in_transaction:
            await app.consumer.commit()  # makes the flushed updates visible now
        metrics.state_entries.labels(T.TABLE_EVENT_STATE).set(len(event_expiry))
        metrics.state_entries.labels(T.TABLE_ARTICLE_INDEX).set(len(articles))

    assigned_at = [time.monotonic()]

    @app.on_partitions_assigned.connect
    async def on_assigned(sender: faust.App, assigned: object, **kwargs: object) -> None:
        assigned_at[0] = time.monotonic()

    @app.on_rebalance_complete.connect
    async def on_recovered(sender: faust.App, **kwargs: object) -> None:
        # Sent after table recovery: state is complete, processing resumes.
        metrics.recovery_seconds.set(time.monotonic() - assigned_at[0])
        metrics.ready.set(1)

    lag_probe = LagProbe(settings, settings.app_id)

    @app.timer(interval=settings.lag_poll_seconds)
    async def report_lag() -> None:
        # kafka-python is blocking: keep it off the event loop.
        try:
            lags = await asyncio.to_thread(lag_probe.measure)
        except Exception:  # noqa: BLE001 - metrics must never take the worker down
            log.warning("could not read consumer lag", exc_info=True)
            lag_probe.close()
            return
        for topic_name, partition, lag in lags:
            metrics.consumer_lag.labels(topic_name, str(partition)).set(lag)

    return app


def _mention(candidate: EventCandidate) -> EventMention:
    return EventMention(
        mention_id=candidate.mention_id, event_id=candidate.event_id,
        article_id=candidate.article.id, source=candidate.article.source,
        url=candidate.article.url, published_at=candidate.published_at,
        code=candidate.event.code, status=candidate.event.status,
        evidence=candidate.event.evidence, confidence=candidate.event.confidence,
    )


def _now() -> datetime:
    return datetime.now(UTC)
