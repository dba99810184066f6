"""The consumer-lag probe on the real broker: topics the group starts committing to after the
probe connected are measured (kafka-python raised KeyError for them every poll), and a probe
that cannot read logs one warning, not one traceback per poll."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata

from pipeline.adapters.kafka_io import LagProbe, client_config
from pipeline.settings import WirestreamSettings
from tests.support.settings import isolated_settings


def _commit(settings: WirestreamSettings, offsets: dict[TopicPartition, int]) -> None:
    consumer = KafkaConsumer(**client_config(settings), group_id=settings.app_id,
                             enable_auto_commit=False)
    try:
        consumer.commit({tp: OffsetAndMetadata(o, "", -1) for tp, o in offsets.items()})
    finally:
        consumer.close()


def _topic_with(settings: WirestreamSettings, name: str, per_partition: list[int]) -> None:
    """A topic holding `per_partition[p]` records in partition p."""
    admin = KafkaAdminClient(**client_config(settings))
    try:
        admin.create_topics([NewTopic(name, len(per_partition), 1)])
    finally:
        admin.close()
    producer = KafkaProducer(**client_config(settings))
    try:
        for partition, n in enumerate(per_partition):
            for _ in range(n):
                producer.send(name, value=b"x", partition=partition)
        producer.flush()
    finally:
        producer.close()


def test_a_topic_committed_after_the_probe_started_is_measured(
        bootstrap_servers: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = isolated_settings(bootstrap_servers, tmp_path)
    first, second = f"{settings.topic_prefix}first", f"{settings.topic_prefix}second"
    _topic_with(settings, first, [4, 2])
    _commit(settings, {TopicPartition(first, 0): 1, TopicPartition(first, 1): 2})
    probe = LagProbe(settings, settings.app_id)
    try:
        assert sorted(probe.poll()) == [(first, 0, 3), (first, 1, 0)]
        _topic_with(settings, second, [5, 0, 1])
        _commit(settings, {TopicPartition(second, p): 0 for p in range(3)})
        with caplog.at_level(logging.WARNING):
            for _ in range(2):
                assert sorted(probe.poll()) == [(first, 0, 3), (first, 1, 0),
                                                (second, 0, 5), (second, 1, 0), (second, 2, 1)]
        assert [r.getMessage() for r in caplog.records if r.name.startswith("pipeline")] == []
    finally:
        probe.close()


def test_a_failing_probe_warns_once_and_says_when_it_reads_again(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    probe = LagProbe(WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1"), "group")
    monkeypatch.setattr(probe, "measure", lambda: (_ for _ in ()).throw(OSError("refused")))
    with caplog.at_level(logging.WARNING, logger="pipeline"):
        assert [probe.poll() for _ in range(3)] == [[], [], []]
        monkeypatch.setattr(probe, "measure", lambda: [("t", 0, 7)])
        assert probe.poll() == [("t", 0, 7)]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages
    assert "could not read consumer lag of group" in messages[0] and "refused" in messages[0]
    assert "readable again" in messages[1]
