"""Start a real local Kafka broker, use it (plain and transactional), stop it."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from pipeline import broker

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def local_broker(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, broker.BrokerInfo]]:
    saved = os.environ.pop("KAFKA_BOOTSTRAP_SERVERS", None)  # module scope: no monkeypatch
    run_dir = tmp_path_factory.mktemp("broker-run")
    try:
        t0 = time.monotonic()
        info = broker.start_broker(run_dir, timeout=90)
        assert time.monotonic() - t0 < 90
        yield run_dir, info
    finally:
        broker.stop_broker(run_dir)
        if saved is not None:
            os.environ["KAFKA_BOOTSTRAP_SERVERS"] = saved


def _topic(admin_servers: str) -> str:
    name = f"it-broker-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=admin_servers)
    try:
        admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()
    return name


def _read_all(servers: str, topic: str, isolation_level: str) -> list[bytes]:
    consumer = KafkaConsumer(
        bootstrap_servers=servers,
        group_id=f"it-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level=isolation_level,
        consumer_timeout_ms=3000,
    )
    try:
        consumer.subscribe([topic])
        return [record.value for record in consumer]
    finally:
        consumer.close(autocommit=False)


def test_status_and_idempotent_start(local_broker: tuple[Path, broker.BrokerInfo]) -> None:
    run_dir, info = local_broker
    assert not info.external and info.pid is not None
    assert info.bootstrap_servers.startswith("127.0.0.1:")
    assert info.log_file is not None and info.log_file.exists()
    assert broker.broker_status(run_dir) == info
    assert broker.resolve_bootstrap(run_dir) == info
    assert broker.start_broker(run_dir) == info  # already running: same broker back


def test_produce_and_consume(local_broker: tuple[Path, broker.BrokerInfo]) -> None:
    servers = local_broker[1].bootstrap_servers
    topic = _topic(servers)
    producer = KafkaProducer(bootstrap_servers=servers, acks="all")
    try:
        producer.send(topic, b"hello").get(timeout=10)
    finally:
        producer.close()
    assert _read_all(servers, topic, "read_uncommitted") == [b"hello"]


def test_transactional_producer(local_broker: tuple[Path, broker.BrokerInfo]) -> None:
    if not hasattr(KafkaProducer, "init_transactions"):
        pytest.skip("installed kafka-python has no transactional producer")
    servers = local_broker[1].bootstrap_servers
    topic = _topic(servers)
    producer = KafkaProducer(bootstrap_servers=servers, transactional_id=f"it-{uuid.uuid4()}")
    try:
        producer.init_transactions()
        producer.begin_transaction()
        producer.send(topic, b"committed")
        producer.commit_transaction()
        producer.begin_transaction()
        producer.send(topic, b"aborted")
        producer.flush()  # abort would otherwise drop the unsent record client-side
        producer.abort_transaction()
    finally:
        producer.close()
    assert _read_all(servers, topic, "read_committed") == [b"committed"]
    # The aborted record did reach the log: only read_committed hides it.
    assert _read_all(servers, topic, "read_uncommitted") == [b"committed", b"aborted"]


def test_stop_leaves_no_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                local_broker: tuple[Path, broker.BrokerInfo]) -> None:
    # Runs last (file order): stops the module's broker and checks it is really gone.
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    run_dir, info = local_broker
    assert info.pid is not None
    assert broker.stop_broker(run_dir) is True
    with pytest.raises(ProcessLookupError):
        os.kill(info.pid, 0)
    assert broker.broker_status(run_dir) is None
    assert not (run_dir / "state.json").exists()
    assert broker.stop_broker(run_dir) is False
