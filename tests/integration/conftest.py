"""Integration fixtures: a real Kafka broker (started here unless KAFKA_BOOTSTRAP_SERVERS is
set) and a real worker process per test module, isolated by a unique topic prefix and group."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.broker import start_broker, stop_broker
from pipeline.kafka_io import ensure_topics
from pipeline.processes import WorkerProcess
from pipeline.settings import WirestreamSettings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def bootstrap_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    run_dir = tmp_path_factory.mktemp("broker")
    info = start_broker(run_dir)
    try:
        yield info.bootstrap_servers
    finally:
        stop_broker(run_dir)


def isolated_settings(bootstrap_servers: str, tmp_path: Path, **overrides) -> WirestreamSettings:
    """Settings with a unique topic prefix, consumer group and state dir."""
    tag = uuid.uuid4().hex[:8]
    return WirestreamSettings(
        KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers,
        topic_prefix=f"t{tag}.",
        app_id=f"wirestream-test-{tag}",
        data_dir=str(tmp_path / f"worker-{tag}"),
        metrics_port=0,
        lag_poll_seconds=1.0,
        **overrides,
    )


@pytest.fixture(scope="module")
def pipeline_settings(bootstrap_servers: str, tmp_path_factory) -> WirestreamSettings:
    settings = isolated_settings(bootstrap_servers, tmp_path_factory.mktemp("pipeline"),
                                 max_article_bytes=64_000)
    ensure_topics(settings)
    return settings


@pytest.fixture(scope="module")
def worker(pipeline_settings: WirestreamSettings) -> Iterator[WorkerProcess]:
    proc = WorkerProcess(pipeline_settings, Path(pipeline_settings.data_dir) / "worker.log")
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()
