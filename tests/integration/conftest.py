"""Integration fixtures: a real worker process per test module, isolated by a unique topic
prefix and group (the broker is in tests/conftest.py, `isolated_settings` in tests/support)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.adapters.kafka_io import ensure_topics
from pipeline.settings import WirestreamSettings
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)


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
