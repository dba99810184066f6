"""Plain kafka-python clients: topic creation, publishing, reading topics, consumer lag.

Used by the CLI, the demo, the lag monitor and the tests; the stream processing itself
runs in Faust (`pipeline.topology`).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pipeline import topics as T
from pipeline.adapters.security import kafka_python_config
from pipeline.settings import WirestreamSettings

log = logging.getLogger(__name__)


def client_config(settings: WirestreamSettings) -> dict[str, Any]:
    """Connection settings shared by every kafka-python client (security included)."""
    return kafka_python_config(settings)


def ensure_topics(settings: WirestreamSettings) -> list[str]:
    """Create every pipeline topic that does not exist yet; returns the names created.

    Changelogs too: created here, before Faust starts, they cannot race its metadata refresh
    (which otherwise crashes the table's agent with PartitionsMismatch). An existing topic
    with the wrong partition count is an error: co-partitioned state would be silently wrong.
    """
    specs = T.topic_specs(settings.topic_prefix, settings.app_id, settings.partitions,
                         settings.quad_topics)
    admin = KafkaAdminClient(**client_config(settings), client_id="wirestream-admin")
    try:
        existing = set(admin.list_topics())
        _check_partitions(admin, [s for s in specs if s.name in existing])
        created = []
        for spec in (s for s in specs if s.name not in existing):
            configs = {"max.message.bytes": str(settings.max_message_bytes)}
            if spec.compacted:
                configs["cleanup.policy"] = "compact"
            if spec.broker_timestamped:
                configs["message.timestamp.type"] = "LogAppendTime"
            try:
                admin.create_topics([NewTopic(spec.name, spec.partitions,
                                              settings.replication_factor,
                                              topic_configs=configs)])
                created.append(spec.name)
            except TopicAlreadyExistsError:
                log.debug("topic %s created concurrently", spec.name)
        return created
    finally:
        admin.close()


def _check_partitions(admin: KafkaAdminClient, specs: list[T.TopicSpec]) -> None:
    if not specs:
        return
    wanted = {s.name: s.partitions for s in specs}
    for described in admin.describe_topics(list(wanted)):
        name, found = described["name"], len(described["partitions"])
        if found != wanted[name]:
            raise RuntimeError(f"topic {name} has {found} partitions but the pipeline needs "
                               f"{wanted[name]}; delete it or use another WIRESTREAM_TOPIC_PREFIX")


@dataclass(frozen=True)
class Published:
    topic: str
    partition: int
    offset: int

    @property
    def input_ref(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


def publish(
    settings: WirestreamSettings,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes]],
    *,
    on_sent: Callable[[int], None] | None = None,
) -> list[Published]:
    """Send (key, value) pairs, wait for every acknowledgement, return where each landed.

    `on_sent(n)` is told, in the calling thread, each time n more records (in send order)
    have been acknowledged; the counts add up to the number of records."""
    producer = KafkaProducer(**client_config(settings), acks="all", linger_ms=5,
                             max_request_size=settings.max_message_bytes)
    try:
        futures = []
        acknowledged = 0
        for key, value in records:
            futures.append(producer.send(topic, key=key, value=value))
            if on_sent is not None:
                acknowledged = _report_acknowledged(futures, acknowledged, on_sent)
        producer.flush()
        published = [
            Published(meta.topic, meta.partition, meta.offset)
            for meta in (f.get(timeout=30) for f in futures)
        ]
        if on_sent is not None and acknowledged < len(futures):
            on_sent(len(futures) - acknowledged)
        return published
    finally:
        producer.close()


def _report_acknowledged(futures: list[Any], reported: int,
                         on_sent: Callable[[int], None]) -> int:
    """Tell `on_sent` about the futures done since `reported` (in order); the new count."""
    done = reported
    while done < len(futures) and futures[done].is_done:
        done += 1
    if done > reported:
        on_sent(done - reported)
    return done


def read_topic(
    settings: WirestreamSettings,
    topic: str,
    *,
    until: Callable[[list[tuple[bytes | None, bytes]]], bool] | None = None,
    timeout: float = 60.0,
    isolation_level: str = "read_committed",
) -> list[tuple[bytes | None, bytes]]:
    """Read a topic from the beginning (read_committed) until `until(records)` or timeout.

    Without `until`, returns what is there once the consumer has caught up to the end
    (with read_committed: the last stable offset, before any open transaction).
    """
    consumer = KafkaConsumer(
        **client_config(settings),
        group_id=None,
        enable_auto_commit=False,
        isolation_level=isolation_level,
        client_id=f"wirestream-reader-{uuid.uuid4().hex[:8]}",
    )
    records: list[tuple[bytes | None, bytes]] = []
    try:
        partitions = _wait_partitions(consumer, topic, timeout)
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend((m.key, m.value) for m in batch)
            if until is not None:
                if until(records):
                    return records
            elif all(consumer.position(tp) >= end[tp] for tp in partitions):
                return records
        if until is not None:
            raise TimeoutError(f"condition on {topic} not met within {timeout}s "
                               f"({len(records)} records read)")
        return records
    finally:
        consumer.close()


def _wait_partitions(consumer: KafkaConsumer, topic: str, timeout: float) -> list[TopicPartition]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = consumer.partitions_for_topic(topic)
        if found:
            return [TopicPartition(topic, p) for p in sorted(found)]
        time.sleep(0.2)
    raise TimeoutError(f"topic {topic} does not exist")


class LagProbe:
    """Consumer lag of one group: end offset − committed offset, per partition.

    Keeps its admin and consumer clients between calls (it is polled every few seconds).
    """

    def __init__(self, settings: WirestreamSettings, group_id: str) -> None:
        self._settings = settings
        self._group_id = group_id
        self._admin: KafkaAdminClient | None = None
        self._consumer: KafkaConsumer | None = None
        self._skipped: set[TopicPartition] = set()  # warned about once each
        self._failing = False

    def poll(self) -> list[tuple[str, int, int]]:
        """`measure` for a timer: a failure logs one warning, not one per poll, and the
        next poll reconnects."""
        try:
            lags = self.measure()
        except Exception as exc:  # noqa: BLE001 - metrics must never take the worker down
            if not self._failing:
                log.warning("could not read consumer lag of %s, retrying each poll: %s",
                            self._group_id, exc)
            self._failing = True
            self.close()
            return []
        if self._failing:
            log.warning("consumer lag of %s readable again", self._group_id)
        self._failing = False
        return lags

    @property
    def answered(self) -> bool:
        """Whether the last poll reached the cluster."""
        return not self._failing

    def measure(self) -> list[tuple[str, int, int]]:
        if self._admin is None or self._consumer is None:
            config = client_config(self._settings)
            self._admin = KafkaAdminClient(**config, client_id="wirestream-lag")
            self._consumer = KafkaConsumer(**config, group_id=None, client_id="wirestream-lag")
        committed = self._admin.list_group_offsets({self._group_id: None}).get(self._group_id)
        if not committed:
            return []
        ends = self._end_offsets(self._consumer, list(committed))
        return [
            (tp.topic, tp.partition, max(ends[tp] - meta.offset, 0))
            for tp, meta in committed.items() if tp in ends
        ]

    def _end_offsets(self, consumer: KafkaConsumer,
                     partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        # kafka-python's end_offsets drops a partition whose leader its metadata does not
        # know (a topic first committed after the client started) and then raises KeyError
        # for it: fetch the metadata of topics not seen yet first, and measure only
        # partitions the cluster reports.
        known = {tp for topic in {tp.topic for tp in partitions}
                 for tp in (TopicPartition(topic, p)
                            for p in consumer.partitions_for_topic(topic))}
        wanted = [tp for tp in partitions if tp in known]
        for tp in set(partitions) - known - self._skipped:
            log.warning("no lag for %s:%d: the cluster does not report it", tp.topic,
                        tp.partition)
            self._skipped.add(tp)
        while wanted:
            try:
                return consumer.end_offsets(wanted)
            except KeyError as exc:  # leader unknown this instant: measure the others
                missing = exc.args[0] if exc.args and exc.args[0] in wanted else None
                if missing is None:
                    raise
                wanted.remove(missing)
                log.debug("no leader known for %s; lag not measured this poll", missing)
        return {}

    def close(self) -> None:
        for client in (self._consumer, self._admin):
            if client is not None:
                client.close()
        self._admin = self._consumer = None
