"""Settings isolated per test: a unique topic prefix, consumer group and state dir, so tests
share one broker without seeing each other's records."""

from __future__ import annotations

import uuid
from pathlib import Path

from pipeline.settings import WirestreamSettings


def isolated_settings(bootstrap_servers: str, tmp_path: Path, **overrides) -> WirestreamSettings:
    """Settings with a unique topic prefix, consumer group and state dir."""
    tag = uuid.uuid4().hex[:8]
    fields = {"topic_prefix": f"t{tag}.", "app_id": f"wirestream-test-{tag}",
              "data_dir": str(tmp_path / f"worker-{tag}"), "metrics_port": 0,
              "lag_poll_seconds": 1.0, **overrides}
    return WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers, **fields)
