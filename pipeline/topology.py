"""The Wirestream stream topology, wired in one place.

    articles.raw (bytes, N partitions)
      │ validate: decode + validate, extract events, sketch for dedup   (stages/ingest.py)
      │   bad input ──► articles.dlq (DeadLetter) + articles.outcomes (rejected)
      ▼
    articles.valid (key: article id; 1 partition: every article meets every earlier copy)
      │ dedup_articles [table article-index]                          (stages/articles.py)
      │   ──► articles.outcomes (processed | duplicate)
      ▼
    events.candidates (key: article id, N partitions; one record per article and partition,
      │   the partition each canonical event id hashes to)
      │ dedup_events [table event-state]: merge, throttle, expire, enrich (stages/events.py)
      ├──► events.enriched (key: event id, compacted; re-emitted, throttled, as counts change)
      └──► events.mentions (key: mention id)

Parsing and extraction, the costly steps, run in parallel over the raw partitions; the
article-dedup stage is cheap and sequential; event state is partitioned by event id. Each
agent is a loop of a few lines: decode, hand the record to its stage object (pure, tested
without a broker), let the metrics bundle observe the result, send the stage's outputs.
Each stage's name is its agent name, metric label and the dead letter's `stage`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Future
from datetime import UTC, datetime

import faust
from faust.types import TP

from pipeline import topics
from pipeline.adapters.kafka_io import LagProbe
from pipeline.adapters.metrics import WirestreamMetrics
from pipeline.adapters.recovery import PromptTableManager
from pipeline.adapters.security import faust_credentials
from pipeline.adapters.transactions import WirestreamApp, producing_for, transactional
from pipeline.adapters.watchdog import Watchdog
from pipeline.codec import input_ref
from pipeline.settings import WirestreamSettings
from pipeline.stages import articles, events, ingest
from pipeline.stages.extractors import load_extractor
from pipeline.stages.outputs import Output
from schemas.records import ValidArticle

log = logging.getLogger(__name__)


def create_app(settings: WirestreamSettings, metrics: WirestreamMetrics) -> faust.App:
    """Build the Faust app with all topics, tables and agents."""
    app = _faust_app(settings)
    names = topics.TopicNames(settings.topic_prefix)
    topic = {base: app.topic(names[base], key_type=bytes, value_type=bytes)
             for base in topics.ALL_TOPICS + (topics.EVENTS_QUAD if settings.quad_topics else ())}

    # The stages and their state. Changelog records are JSON: the article index holds them
    # decoded (the story index shares their vectors), the event state as bytes (a week of
    # events: half the memory, stages/events.py); each stage derives in-memory indices from
    # its table and rebuilds them on recovery.
    ingest_stage = ingest.IngestStage.from_settings(load_extractor(settings.extractor),
                                                    settings, _now)
    warmed = _warm_up(ingest_stage)
    article_table = app.Table(topics.TABLE_ARTICLE_INDEX, default=None, key_type=str,
                              partitions=1)
    article_stage = articles.ArticleStage.from_settings(article_table, settings, _now)
    article_table.on_recover(_rebuild(article_stage.rebuild))
    event_table = app.Table(topics.TABLE_EVENT_STATE, default=None, key_type=str,
                            value_type=bytes, partitions=settings.partitions)
    event_stage = events.EventStage.from_settings(event_table, settings)
    event_table.on_recover(_rebuild(event_stage.rebuild))

    async def send(outputs: Iterable[Output]) -> None:
        for output in outputs:
            await topic[output.topic].send(key=output.key.encode(), value=output.encoded(),
                                           partition=output.partition)
            metrics.observe_sent(output, time.time())

    @app.agent(topic[topics.ARTICLES_RAW], name=ingest.VALIDATE)
    async def validate_articles(stream: faust.StreamT) -> None:
        await asyncio.wrap_future(warmed)
        async for event in transactional(app, stream):
            msg = event.message
            ref = input_ref(msg.topic, msg.partition, msg.offset)
            result = ingest_stage.process(event.value or b"", ref, msg.timestamp)
            metrics.observe_ingest(result)
            await send(result.outputs)

    @app.agent(topic[topics.ARTICLES_VALID], name=articles.NAME)
    async def dedup_articles(stream: faust.StreamT) -> None:
        async for event in transactional(app, stream):
            result = article_stage.process(ValidArticle.model_validate_json(event.value))
            metrics.observe_article(result)
            await send(result.outputs)

    @app.agent(topic[topics.EVENTS_CANDIDATES], name=events.NAME)
    async def dedup_events(stream: faust.StreamT) -> None:
        async for event in transactional(app, stream):
            candidates = events.read_candidates(event.value)
            result = event_stage.process_all(candidates, event.message.partition)
            metrics.observe_events(result)
            await send(result.outputs)

    @app.timer(interval=1.0)
    async def flush_event_updates() -> None:
        # Throttled updates go out in the transaction of the partition their state lives in.
        source = names[topics.EVENTS_CANDIDATES]
        assigned = app.consumer.assignment()
        due = event_stage.due(lambda partition: TP(source, partition) in assigned)
        for partition, output in due:
            async with producing_for(app, TP(source, partition)):
                await send([output])
        if due and app.in_transaction:
            await app.consumer.commit()  # makes the flushed updates visible now
        metrics.state_entries.labels(topics.TABLE_EVENT_STATE).set(len(event_stage))
        metrics.state_entries.labels(topics.TABLE_ARTICLE_INDEX).set(len(article_stage))

    _report_readiness(app, metrics, warmed)
    _report_lag(app, settings, metrics)
    return app


def _warm_up(ingest_stage: ingest.IngestStage) -> Future[None]:
    """The dictionaries build (seconds) while Faust starts, joins and recovers, not on the
    first article: the validate agent and the readiness gauge wait for the future."""
    warmed = ingest_stage.warm_in_background()
    started = time.monotonic()
    warmed.add_done_callback(lambda _: log.info("extraction dictionaries built in %.1fs",
                                                time.monotonic() - started))
    return warmed


def _faust_app(settings: WirestreamSettings) -> WirestreamApp:
    # Faust with one transaction per source partition: see pipeline/adapters/transactions.py.
    return WirestreamApp(
        settings.app_id,
        broker=";".join(f"kafka://{s.strip()}" for s in settings.bootstrap_servers.split(",")
                        if s.strip()),
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
        producer_max_request_size=settings.max_message_bytes,
        TableManager=PromptTableManager,  # recovery ends when read: pipeline/adapters/recovery.py
        web_enabled=False,
        key_serializer="raw",
        value_serializer="raw",
    )


def _rebuild(rebuild: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    """A table's `on_recover` callback that rebuilds a stage's derived state."""

    async def on_recover() -> None:
        rebuild()

    return on_recover


def _report_readiness(app: faust.App, metrics: WirestreamMetrics, warmed: Future[None]) -> None:
    """`wirestream_worker_ready` (tables recovered and dictionaries built) and
    `wirestream_recovery_seconds`, from rebalance signals."""
    assigned_at = [time.monotonic()]
    recovered = [False]

    def update() -> None:  # also called from the warm-up thread: a gauge is thread-safe
        if recovered[0] and warmed.done() and warmed.exception() is None:
            metrics.ready.set(1)

    warmed.add_done_callback(lambda _: update())

    @app.on_partitions_assigned.connect
    async def on_assigned(sender: faust.App, assigned: object, **kwargs: object) -> None:
        assigned_at[0] = time.monotonic()

    @app.on_rebalance_complete.connect
    async def on_recovered(sender: faust.App, **kwargs: object) -> None:
        # Sent after table recovery: state is complete, processing resumes.
        metrics.recovery_seconds.set(time.monotonic() - assigned_at[0])
        recovered[0] = True
        update()


def _report_lag(app: faust.App, settings: WirestreamSettings,
                metrics: WirestreamMetrics) -> None:
    """`wirestream_consumer_lag_messages`, measured with a plain client on a timer, which
    also runs the stall watchdog (it needs to know whether the cluster answers)."""
    lag_probe = LagProbe(settings, settings.app_id)
    progress = app.txn.progress
    raw = topics.TopicNames(settings.topic_prefix)[topics.ARTICLES_RAW]
    watchdog = Watchdog(progress, settings.stall_seconds, settings.metrics_port)

    @app.timer(interval=settings.lag_poll_seconds)
    async def report_lag() -> None:
        # kafka-python is blocking: keep it off the event loop.
        lags = await asyncio.to_thread(lag_probe.poll)
        for topic_name, partition, lag in lags:
            metrics.consumer_lag.labels(topic_name, str(partition)).set(lag)
        if lag_probe.answered:  # the cluster answers a plain client: see the watchdog
            progress.cluster_answered = time.monotonic()
            # The input topic only: internal topics keep a lag of transaction markers.
            progress.max_lag = max((lag for name, _, lag in lags if name == raw), default=0)
        watchdog.check(asyncio.get_running_loop())


def _now() -> datetime:
    return datetime.now(UTC)
