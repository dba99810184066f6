"""The main job: local broker, topics, a worker, publish `seeds/`, show the events."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from rich.console import Console

from pipeline import broker as local_broker
from pipeline import topics as T
from pipeline.adapters.client import latest_events, publish_files, wait_for_outcomes
from pipeline.adapters.kafka_io import ensure_topics
from pipeline.cli.launcher import WorkerProcess
from pipeline.cli.report import events_table, outcomes_table
from pipeline.settings import WirestreamSettings


def run_demo(seeds: Path, *, console: Console, wait: bool = True) -> None:
    """Start what is missing, run the seeds through, print the events; stop what it started."""
    settings = WirestreamSettings()
    started_broker = False
    if not settings.bootstrap_servers:
        already = local_broker.broker_status()
        console.print("starting the local Kafka broker (first run fetches the jars) ...")
        info = local_broker.start_broker()
        started_broker = already is None
        settings = settings.model_copy(update={"bootstrap_servers": info.bootstrap_servers})
    console.print(f"Kafka at [bold]{settings.bootstrap_servers}[/]")
    ensure_topics(settings)
    run_dir = Path(".wirestream")
    worker = WorkerProcess(settings, run_dir / "worker.log")
    try:
        console.print("starting the worker ...")
        worker.start()
        files = sorted(seeds.glob("*.jsonl"))
        sent = publish_files(settings, files, T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW])
        console.print(f"published {len(sent)} messages from {len(files)} files in {seeds}/")
        outcomes = wait_for_outcomes(settings, sent)
        console.print(outcomes_table(outcomes.values()))
        event_ids = {e for o in outcomes.values() for e in o.event_ids}
        console.print(events_table(latest_events(settings, event_ids=event_ids)))
        console.print(f"metrics: {worker.metrics_url}   worker log: {worker.log_file}")
        if wait:
            console.print("running; Ctrl-C stops the worker and the broker it started")
            with contextlib.suppress(KeyboardInterrupt):
                while worker.proc is not None and worker.proc.poll() is None:
                    time.sleep(0.5)
    finally:
        worker.stop()
        if started_broker:
            local_broker.stop_broker()
            console.print("stopped the worker and the local broker")
