"""Kafka clients of `bench/bench_suite.py`: an arrival-noting reader thread, a paced producer,
plain topics for the pass-through app."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from pipeline.adapters.kafka_io import Published, client_config
from pipeline.settings import WirestreamSettings


@dataclass(frozen=True)
class Arrival:
    at: float  # time.monotonic() when the poll returned it
    topic: str
    key: bytes | None
    value: bytes


class ArrivalReader(threading.Thread):
    """A read_committed consumer of `topics`, from their current end, noting when each record
    arrives (monotonic clock, so comparable with the send times of this process).

    `start()` returns once every partition has a position: nothing produced after it is
    missed."""

    def __init__(self, settings: WirestreamSettings, topics: Sequence[str]) -> None:
        super().__init__(daemon=True, name="suite-reader")
        self._settings = settings
        self._topics = list(topics)
        self._lock = threading.Lock()
        self._arrivals: list[Arrival] = []
        self._positioned = threading.Event()
        self._stopping = threading.Event()
        self.error: BaseException | None = None

    def start(self, timeout: float = 60.0) -> ArrivalReader:  # type: ignore[override]
        super().start()
        if not self._positioned.wait(timeout):
            raise TimeoutError(f"reader of {self._topics} not positioned: {self.error}")
        if self.error is not None:
            raise RuntimeError(f"reader of {self._topics} failed") from self.error
        return self

    def run(self) -> None:
        consumer = KafkaConsumer(**client_config(self._settings), group_id=None,
                                 enable_auto_commit=False, isolation_level="read_committed",
                                 client_id=f"suite-reader-{uuid.uuid4().hex[:8]}")
        try:
            parts = [TopicPartition(t, p) for t in self._topics
                     for p in sorted(_partitions(consumer, t))]
            consumer.assign(parts)
            consumer.seek_to_end(*parts)
            for tp in parts:
                consumer.position(tp)  # resolve the end offset now, before anyone produces
            self._positioned.set()
            while not self._stopping.is_set():
                for batch in consumer.poll(timeout_ms=100).values():
                    now = time.monotonic()
                    with self._lock:
                        self._arrivals.extend(Arrival(now, m.topic, m.key, m.value)
                                              for m in batch)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            self.error = exc
            self._positioned.set()
        finally:
            consumer.close()

    def snapshot(self) -> list[Arrival]:
        with self._lock:
            return list(self._arrivals)

    def wait(self, done: Callable[[list[Arrival]], bool], timeout: float) -> list[Arrival]:
        """Poll the arrivals until `done(arrivals)`; TimeoutError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            arrivals = self.snapshot()
            if done(arrivals):
                return arrivals
            if self.error is not None:
                raise RuntimeError("reader failed") from self.error
            if time.monotonic() > deadline:
                raise TimeoutError(f"not complete after {timeout:.0f}s "
                                   f"({len(arrivals)} records arrived)")
            time.sleep(0.25)  # arrival times come from the reader thread, not from here

    def close(self) -> None:
        self._stopping.set()
        self.join(timeout=10)


def _partitions(consumer: KafkaConsumer, topic: str, timeout: float = 30.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = consumer.partitions_for_topic(topic)
        if found:
            return found
        time.sleep(0.2)
    raise TimeoutError(f"topic {topic} does not exist")


@dataclass(frozen=True)
class Sent:
    at: float  # time.monotonic() just before producer.send
    ref: str  # input ref "topic:partition:offset"


def paced_publish(settings: WirestreamSettings, topic: str, payloads: Sequence[bytes],
                  schedule: Sequence[float]) -> list[Sent]:
    """Send `payloads[i]` when `schedule[i]` seconds have passed since the first send (all at
    once when the schedule is all zeros: saturation, batched); a send that falls behind goes
    at once. Returns each send's time and the input ref its acknowledgement gave."""
    saturating = not any(schedule)
    producer = KafkaProducer(**client_config(settings), acks="all",
                             linger_ms=5 if saturating else 0,
                             max_request_size=settings.max_message_bytes)
    try:
        started = time.monotonic()
        times, futures = [], []
        for value, due in zip(payloads, schedule, strict=True):
            wait = started + due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            times.append(time.monotonic())
            futures.append(producer.send(topic, value=value))
        producer.flush()
        metas = [f.get(timeout=30) for f in futures]
        return [Sent(at, Published(m.topic, m.partition, m.offset).input_ref)
                for at, m in zip(times, metas, strict=True)]
    finally:
        producer.close()


def create_plain_topics(settings: WirestreamSettings, names: Sequence[str]) -> None:
    """Topics with the pipeline's partition count and message size limit."""
    admin = KafkaAdminClient(**client_config(settings), client_id="suite-admin")
    try:
        for name in names:
            config = {"max.message.bytes": str(settings.max_message_bytes)}
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics([NewTopic(name, settings.partitions,
                                              settings.replication_factor,
                                              topic_configs=config)])
    finally:
        admin.close()
