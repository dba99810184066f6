"""A starting worker waits for an unreachable cluster (the broker-later case itself is
`tests/faults/test_broker_and_group.py::test_a_worker_started_before_its_broker_waits_for_it`);
a bounded wait ends with a clear error instead."""

from __future__ import annotations

import logging
import socket

import pytest

from pipeline.adapters.startup import BrokerUnreachableError, wait_for_broker
from pipeline.settings import WirestreamSettings


def _closed_port() -> int:
    with socket.socket() as sock:  # bound, never listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_bounded_wait_logs_each_attempt_then_gives_up(caplog: pytest.LogCaptureFixture) -> None:
    address = f"127.0.0.1:{_closed_port()}"
    settings = WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS=address, broker_wait_seconds=5)
    with caplog.at_level(logging.WARNING), pytest.raises(BrokerUnreachableError) as err:
        wait_for_broker(settings)
    assert address in str(err.value) and "attempts" in str(err.value)
    lines = [r.getMessage() for r in caplog.records]
    assert lines and all(f"waiting for Kafka at {address}: attempt" in m for m in lines), lines
    assert [r for r in caplog.records if r.name.startswith("kafka")] == []


def test_a_reachable_cluster_is_found_at_the_first_attempt(bootstrap_servers: str) -> None:
    settings = WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers)
    assert wait_for_broker(settings) == 1
