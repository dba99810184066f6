"""The main job: local broker, topics, a worker, publish `seeds/`, show the events."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from pathlib import Path

import orjson
from rich.console import Console

from pipeline import broker as local_broker
from pipeline import topics as T
from pipeline.kafka_io import Published, ensure_topics, publish, read_topic
from pipeline.processes import WorkerProcess
from pipeline.report import events_table, outcomes_table
from pipeline.settings import WirestreamSettings
from schemas.records import ArticleOutcome, EnrichedEvent


def message_key(line: bytes) -> bytes | None:
    """Key by article id when the line is a JSON object with one, so copies co-locate."""
    try:
        payload = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if isinstance(payload, dict) and isinstance(payload.get("id"), str):
        return payload["id"].encode()
    return None


def read_lines(files: Iterable[Path]) -> list[bytes]:
    """Every non-blank line of the files, as raw bytes (invalid UTF-8 kept as it is)."""
    lines = []
    for path in files:
        lines.extend(line for line in path.read_bytes().split(b"\n") if line.strip())
    return lines


def publish_files(
    settings: WirestreamSettings, files: Iterable[Path], topic: str
) -> list[Published]:
    lines = read_lines(files)
    return publish(settings, topic, [(message_key(line), line) for line in lines])


def wait_for_outcomes(
    settings: WirestreamSettings, sent: list[Published], *, timeout: float = 120.0
) -> dict[str, ArticleOutcome]:
    """Read `articles.outcomes` until every published input has its outcome."""
    wanted = {p.input_ref for p in sent}

    def complete(records: list[tuple[bytes | None, bytes]]) -> bool:
        return wanted <= {key.decode() for key, _ in records if key}

    records = read_topic(settings, T.TopicNames(settings.topic_prefix)[T.ARTICLES_OUTCOMES],
                         until=complete, timeout=timeout)
    outcomes = (ArticleOutcome.model_validate_json(value) for _, value in records)
    return {o.input_ref: o for o in outcomes if o.input_ref in wanted}


def latest_events(
    settings: WirestreamSettings, *, event_ids: set[str] | None = None, timeout: float = 30.0
) -> list[EnrichedEvent]:
    """The latest record per key on `events.enriched` (what compaction converges to)."""
    topic = T.TopicNames(settings.topic_prefix)[T.EVENTS_ENRICHED]

    def complete(records: list[tuple[bytes | None, bytes]]) -> bool:
        return event_ids is not None and event_ids <= {k.decode() for k, _ in records if k}

    records = read_topic(settings, topic, until=complete if event_ids else None, timeout=timeout)
    latest: dict[str, EnrichedEvent] = {}
    for _, value in records:
        event = EnrichedEvent.model_validate_json(value)
        if event_ids is None or event.event_id in event_ids:
            latest[event.event_id] = event
    return sorted(latest.values(), key=lambda e: (e.first_seen, e.evidence.start, e.event_id))


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
