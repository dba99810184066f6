"""The metrics bundle observes stage results and sent outputs (no agent does bookkeeping)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry

from pipeline.adapters.metrics import WirestreamMetrics
from pipeline.stages.ingest import IngestStage
from schemas.records import Actor, Article, Evidence, ExtractedEvent

T0 = datetime(2025, 2, 4, 10, tzinfo=UTC)


def one_event(article: Article) -> list[ExtractedEvent]:
    return [ExtractedEvent(source=Actor(text="Iran", code="IRN", country="IRN"), code="190",
                           evidence=Evidence(sentence="s", start=0, end=1), confidence=0.5)]


def value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_ingest_results_and_sent_outputs_become_metrics():
    registry = CollectorRegistry()
    metrics = WirestreamMetrics.create(registry)
    stage = IngestStage(one_event, max_article_bytes=10_000, attempts=2, now=lambda: T0)
    good = json.dumps({"id": "a", "source": "s", "body": "Iran attacked.",
                       "published_at": T0.isoformat()}).encode()
    for raw in (good, b"{broken"):
        result = stage.process(raw, "articles.raw:0:1", T0.timestamp())
        metrics.observe_ingest(result)
        for output in result.outputs:
            metrics.observe_sent(output, T0.timestamp() + 2.0)
    assert value(registry, "wirestream_stage_processed_total", stage="validate") == 1
    assert value(registry, "wirestream_stage_processed_total", stage="extract_events") == 1
    assert value(registry, "wirestream_events_extracted_total", root="19") == 1
    assert value(registry, "wirestream_dead_letters_total", reason="invalid_json") == 1
    assert value(registry, "wirestream_stage_failed_total", stage="validate",
                 error_type="invalid_json") == 1
    assert value(registry, "wirestream_outcomes_total", status="rejected") == 1
    assert value(registry, "wirestream_stage_duration_seconds_count", stage="validate") == 2
    # Latency is observed for the outcome only (the valid article is internal): 2 s.
    assert value(registry, "wirestream_end_to_end_latency_seconds_count",
                 output="articles.outcomes") == 1
    assert value(registry, "wirestream_end_to_end_latency_seconds_sum",
                 output="articles.outcomes") == 2.0
