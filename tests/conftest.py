"""Fixtures shared by the integration and fault tests: a real Kafka broker, started here unless
KAFKA_BOOTSTRAP_SERVERS is set (isolated settings per test: `tests.support.settings`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.broker import start_broker, stop_broker


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
