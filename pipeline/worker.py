"""Run one Wirestream worker process: metrics endpoint + Faust worker until signalled."""

from __future__ import annotations

import logging
from pathlib import Path

import faust
from prometheus_client import CollectorRegistry

from pipeline.adapters.kafka_io import ensure_topics
from pipeline.adapters.metrics import WirestreamMetrics, serve_metrics
from pipeline.adapters.startup import wait_for_broker
from pipeline.settings import WirestreamSettings
from pipeline.topology import create_app

log = logging.getLogger(__name__)


def run_worker(settings: WirestreamSettings, *, loglevel: str = "info") -> None:
    """Expose /metrics, wait for the cluster, create topics if needed, and process until
    SIGINT/SIGTERM."""
    registry = CollectorRegistry()
    metrics = WirestreamMetrics.create(registry)
    port = serve_metrics(registry, settings.metrics_host, settings.metrics_port)
    # One parseable line so launchers (demo, tests) learn the port when it was 0.
    log.warning("wirestream metrics on http://%s:%d/metrics", settings.metrics_host, port)
    wait_for_broker(settings)  # wirestream_worker_ready stays 0 meanwhile
    ensure_topics(settings)
    # Absolute: the Faust worker changes into its workdir, so a relative path would move.
    data_dir = Path(settings.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # The bound port too: a restart in place (pipeline/adapters/watchdog.py) keeps it.
    settings = settings.model_copy(update={"data_dir": str(data_dir), "metrics_port": port})
    app = create_app(settings, metrics)
    worker = faust.Worker(app, loglevel=loglevel, redirect_stdouts=False,
                          workdir=settings.data_dir)
    worker.execute_from_commandline()
