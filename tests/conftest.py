"""Fixtures shared by the integration and fault tests: a real Kafka broker (started here unless
KAFKA_BOOTSTRAP_SERVERS is set) and isolated settings (unique topic prefix, group, state dir)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.broker import start_broker, stop_broker
from pipeline.settings import WirestreamSettings


@pytest.fixture(scope="session")
def broker_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("broker")


@pytest.fixture(scope="session")
def bootstrap_servers(broker_run_dir: Path) -> Iterator[str]:
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    info = start_broker(broker_run_dir)
    try:
        yield info.bootstrap_servers
    finally:
        stop_broker(broker_run_dir)


def isolated_settings(bootstrap_servers: str, tmp_path: Path, **overrides) -> WirestreamSettings:
    """Settings with a unique topic prefix, consumer group and state dir."""
    tag = uuid.uuid4().hex[:8]
    fields = {"topic_prefix": f"t{tag}.", "app_id": f"wirestream-test-{tag}",
              "data_dir": str(tmp_path / f"worker-{tag}"), "metrics_port": 0,
              "lag_poll_seconds": 1.0, **overrides}
    return WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers, **fields)
