"""Typed helpers over the plain clients: publish files of raw lines, read outcomes and events
back as schema objects (the CLI, the demo, tests and benchmarks use them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import orjson

from pipeline import topics as T
from pipeline.adapters.kafka_io import Published, publish, read_topic
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
    settings: WirestreamSettings, files: Iterable[Path], topic: str, *,
    on_sent: Callable[[int], None] | None = None,
) -> list[Published]:
    """Publish every non-blank line; `on_sent(n)`: n more lines acknowledged (progress)."""
    lines = read_lines(files)
    return publish(settings, topic, [(message_key(line), line) for line in lines],
                   on_sent=on_sent)


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
