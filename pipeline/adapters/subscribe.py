"""Typed consumer: iterate a pipeline topic as schema objects.

    for event in subscribe("events.enriched", from_beginning=True, timeout=5):
        print(event.event_id, event.code, event.num_mentions)

The base topic name gets `settings.topic_prefix`. Without a `group_id` nothing is committed:
every partition is assigned and read from its end (or beginning); with one, the consumer joins
the group and commits as it goes. A value that does not validate is skipped with one warning
line and counted in `Subscription.skipped`; tombstones (None values) are skipped silently.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from typing import Generic, Literal, TypeVar, overload

from kafka import KafkaConsumer
from kafka.consumer.fetcher import ConsumerRecord
from pydantic import BaseModel, ValidationError

from pipeline import topics as T
from pipeline.adapters.kafka_io import _wait_partitions, client_config
from pipeline.settings import WirestreamSettings
from schemas.records import (
    Article,
    ArticleOutcome,
    DeadLetter,
    EnrichedEvent,
    EventCandidates,
    EventMention,
    ValidArticle,
)

log = logging.getLogger(__name__)

# Which record each topic carries: the one map, which `pipeline.cli.schema_docs` documents
# (a unit test checks every topic here has its documented key).
TOPIC_MODELS: dict[str, type[BaseModel]] = {
    T.ARTICLES_RAW: Article,
    T.ARTICLES_DLQ: DeadLetter,
    T.ARTICLES_OUTCOMES: ArticleOutcome,
    T.ARTICLES_VALID: ValidArticle,
    T.EVENTS_CANDIDATES: EventCandidates,
    T.EVENTS_ENRICHED: EnrichedEvent,
    T.EVENTS_MENTIONS: EventMention,
    **{quad: EnrichedEvent for quad in T.EVENTS_QUAD},  # optional routing (quad_topics)
}
PARTITION_WAIT_SECONDS = 30.0  # how long a missing topic is waited for when timeout is None

M = TypeVar("M", bound=BaseModel)


class Subscription(Generic[M], Iterator[M]):
    """An open consumer yielding `model` objects; closes itself when iteration ends."""

    def __init__(self, consumer: KafkaConsumer, topic: str, model: type[M],
                 timeout: float | None) -> None:
        self.topic = topic
        self.model = model
        self.timeout = timeout
        self.skipped = 0  # values that did not validate
        self._consumer = consumer
        self._records = self._iterate()

    def __next__(self) -> M:
        return next(self._records)

    def __enter__(self) -> Subscription[M]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._records.close()
        self._consumer.close()

    def _iterate(self) -> Iterator[M]:
        idle_since = time.monotonic()
        try:
            while self.timeout is None or time.monotonic() - idle_since < self.timeout:
                batches = self._consumer.poll(timeout_ms=self._poll_ms(idle_since))
                for batch in batches.values():
                    idle_since = time.monotonic()
                    for message in batch:
                        record = self._decode(message)
                        if record is not None:
                            yield record
        finally:
            self._consumer.close()

    def _poll_ms(self, idle_since: float) -> int:
        if self.timeout is None:
            return 500
        left = self.timeout - (time.monotonic() - idle_since)
        return max(1, min(500, int(left * 1000)))

    def _decode(self, message: ConsumerRecord) -> M | None:
        if message.value is None:
            return None
        try:
            return self.model.model_validate_json(message.value)
        except ValidationError as exc:
            self.skipped += 1
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "value"
            log.warning("skipped %s:%d:%d: not a valid %s (%d errors; %s: %s)", message.topic,
                        message.partition, message.offset, self.model.__name__,
                        exc.error_count(), where, first["msg"])
            return None


@overload
def subscribe(topic: Literal["events.enriched"], *, settings: WirestreamSettings | None = ...,
              from_beginning: bool = ..., group_id: str | None = ..., timeout: float | None = ...,
              isolation_level: str = ...) -> Subscription[EnrichedEvent]: ...
@overload
def subscribe(topic: Literal["events.mentions"], *, settings: WirestreamSettings | None = ...,
              from_beginning: bool = ..., group_id: str | None = ..., timeout: float | None = ...,
              isolation_level: str = ...) -> Subscription[EventMention]: ...
@overload
def subscribe(topic: Literal["articles.outcomes"], *, settings: WirestreamSettings | None = ...,
              from_beginning: bool = ..., group_id: str | None = ..., timeout: float | None = ...,
              isolation_level: str = ...) -> Subscription[ArticleOutcome]: ...
@overload
def subscribe(topic: Literal["articles.dlq"], *, settings: WirestreamSettings | None = ...,
              from_beginning: bool = ..., group_id: str | None = ..., timeout: float | None = ...,
              isolation_level: str = ...) -> Subscription[DeadLetter]: ...
@overload
def subscribe(topic: str, *, settings: WirestreamSettings | None = ...,
              from_beginning: bool = ..., group_id: str | None = ..., timeout: float | None = ...,
              isolation_level: str = ...) -> Subscription[BaseModel]: ...


def subscribe(
    topic: str,
    *,
    settings: WirestreamSettings | None = None,
    from_beginning: bool = False,
    group_id: str | None = None,
    timeout: float | None = None,
    isolation_level: str = "read_committed",
) -> Subscription[BaseModel]:
    """Consume the base topic `topic` (prefixed by the settings) as schema objects.

    `timeout`: stop after that many seconds without a record (None: follow forever). The
    consumer is connected and positioned when this returns, so nothing published after the
    call is missed. With a `group_id`, `from_beginning` applies only where the group has no
    committed offset yet.
    """
    if topic not in TOPIC_MODELS:
        raise ValueError(f"unknown topic {topic!r}; one of {', '.join(sorted(TOPIC_MODELS))}")
    settings = settings or WirestreamSettings()
    if not settings.bootstrap_servers:
        raise ValueError("no Kafka cluster: set KAFKA_BOOTSTRAP_SERVERS")
    name = T.TopicNames(settings.topic_prefix)[topic]
    consumer = KafkaConsumer(
        **client_config(settings),
        group_id=group_id,
        enable_auto_commit=group_id is not None,
        auto_offset_reset="earliest" if from_beginning else "latest",
        isolation_level=isolation_level,
        client_id=f"wirestream-subscribe-{uuid.uuid4().hex[:8]}",
    )
    try:
        if group_id is None:
            partitions = _wait_partitions(consumer, name, timeout or PARTITION_WAIT_SECONDS)
            consumer.assign(partitions)
            if from_beginning:
                consumer.seek_to_beginning(*partitions)
            else:
                consumer.seek_to_end(*partitions)
                for tp in partitions:  # resolve "end" now, not at the first poll
                    consumer.position(tp)
        else:
            consumer.subscribe([name])
    except BaseException:
        consumer.close()
        raise
    return Subscription(consumer, name, TOPIC_MODELS[topic], timeout)
