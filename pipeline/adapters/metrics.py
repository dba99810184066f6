"""Prometheus metrics, declared once in a bundle created against a replaceable registry.

The `observe_*` methods are the one place that turns what a stage did (its result object)
and what an agent sent into metric updates, so agent bodies carry no bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from pipeline import topics
from pipeline.reference import cameo
from pipeline.stages import articles, events, ingest
from pipeline.stages.outputs import Output
from schemas.records import ArticleOutcome, DeadLetter

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


@dataclass(frozen=True)
class WirestreamMetrics:
    processed: Counter
    failed: Counter
    retries: Counter
    stage_seconds: Histogram
    events_extracted: Counter
    events_by_quad_class: Counter
    duplicates: Counter
    dead_letters: Counter
    outcomes: Counter
    latency: Histogram
    consumer_lag: Gauge
    state_entries: Gauge
    expired: Counter
    recovery_seconds: Gauge
    ready: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> WirestreamMetrics:
        def counter(name: str, doc: str, labels: tuple[str, ...]) -> Counter:
            return Counter(name, doc, labels, registry=registry)

        return cls(
            processed=counter("wirestream_stage_processed_total",
                              "Records a stage finished", ("stage",)),
            failed=counter("wirestream_stage_failed_total",
                           "Records a stage could not process", ("stage", "error_type")),
            retries=counter("wirestream_stage_retries_total",
                            "Re-runs of a step after an unexpected error", ("stage",)),
            stage_seconds=Histogram("wirestream_stage_duration_seconds",
                                    "Time a stage spends on one record", ("stage",),
                                    registry=registry),
            events_extracted=counter("wirestream_events_extracted_total",
                                     "Event mentions extracted, by CAMEO root", ("root",)),
            events_by_quad_class=counter("wirestream_events_by_quad_class_total",
                                         "Event mentions extracted, by quad class (1 verbal "
                                         "coop .. 4 material conflict)", ("quad_class",)),
            duplicates=counter("wirestream_duplicates_total",
                               "Duplicates recognised, by kind (article, event)", ("kind",)),
            dead_letters=counter("wirestream_dead_letters_total",
                                 "Inputs sent to the dead-letter topic, by reason", ("reason",)),
            outcomes=counter("wirestream_outcomes_total",
                             "Article outcomes emitted, by status", ("status",)),
            latency=Histogram("wirestream_end_to_end_latency_seconds",
                              "Input publish time to output record", ("output",),
                              buckets=_LATENCY_BUCKETS, registry=registry),
            consumer_lag=Gauge("wirestream_consumer_lag_messages",
                               "Messages not yet committed by the worker's consumer group",
                               ("topic", "partition"), registry=registry),
            state_entries=Gauge("wirestream_state_entries", "Entries in a state table "
                                "(this worker's partitions)", ("table",), registry=registry),
            expired=counter("wirestream_state_expired_total",
                            "State entries dropped after their event-time window", ("table",)),
            recovery_seconds=Gauge("wirestream_recovery_seconds", "Partition assignment to "
                                   "tables recovered, last rebalance", registry=registry),
            ready=Gauge("wirestream_worker_ready",
                        "1 once the worker's tables are recovered and it processes",
                        registry=registry),
        )


    def observe_ingest(self, result: ingest.IngestResult) -> None:
        for step, seconds in result.seconds.items():
            self.stage_seconds.labels(step).observe(seconds)
        for step in result.finished:
            self.processed.labels(step).inc()
        if result.retries:
            self.retries.labels(ingest.EXTRACT).inc(result.retries)
        for event in result.events:
            self.events_extracted.labels(event.root).inc()
            self.events_by_quad_class.labels(_quad_class(event.root)).inc()

    def observe_article(self, result: articles.ArticleResult) -> None:
        self.stage_seconds.labels(articles.NAME).observe(result.seconds)
        self.processed.labels(articles.NAME).inc()
        self.expired.labels(topics.TABLE_ARTICLE_INDEX).inc(result.expired)
        if result.decision.is_duplicate:
            self.duplicates.labels("article").inc()

    def observe_events(self, batch: events.BatchResult) -> None:
        """One `events.candidates` record: each of its mentions counts as processed."""
        for result in batch.results:
            self.processed.labels(events.NAME).inc()
            if not result.counted:
                continue
            if result.repeated:
                self.duplicates.labels("event").inc()
            self.expired.labels(topics.TABLE_EVENT_STATE).inc(result.expired)
            self.processed.labels(events.ENRICH).inc()

    def observe_sent(self, output: Output, now: float) -> None:
        """After an output record was sent (`now`: wall-clock epoch seconds)."""
        record = output.record
        if isinstance(record, DeadLetter):
            self.failed.labels(record.stage, record.error_type).inc()
            self.dead_letters.labels(record.error_type).inc()
        elif isinstance(record, ArticleOutcome):
            self.outcomes.labels(record.status).inc()
        if output.ingest_ts is not None and output.topic in _LATENCY_OUTPUTS:
            self.latency.labels(output.topic).observe(max(now - output.ingest_ts, 0))


def _quad_class(root: str) -> str:
    """GDELT quad class of a CAMEO root as a label; "unknown" for a root outside 01-20 (the
    schema's code pattern admits 00 and 21-29), so counting never fails a record."""
    try:
        return str(cameo.quad_class(root))
    except ValueError:
        return "unknown"


# End-to-end latency is measured to the records a consumer waits for.
_LATENCY_OUTPUTS = frozenset({topics.ARTICLES_OUTCOMES, topics.EVENTS_ENRICHED})


def serve_metrics(registry: CollectorRegistry, host: str, port: int) -> int:
    """Start the /metrics HTTP endpoint in a daemon thread; returns the bound port."""
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return server.server_address[1]
