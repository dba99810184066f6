"""The clause engine as the worker's extractor (`WIRESTREAM_EXTRACTOR`), on the real broker:
the parser loads before the worker is ready, and the seed's required events reach
`events.enriched` as the eval command scores them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.client import latest_events, wait_for_outcomes
from pipeline.adapters.kafka_io import ensure_topics, publish
from pipeline.evaluation.events import load_gold, score
from tests.integration.test_pipeline import as_extracted
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CLAUSES = "pipeline.steps.clauses.extract:extract_events"


@pytest.fixture(scope="module")
def clause_worker(bootstrap_servers: str, tmp_path_factory) -> Iterator[WorkerProcess]:
    settings = isolated_settings(bootstrap_servers, tmp_path_factory.mktemp("clauses"),
                                 extractor=CLAUSES)
    ensure_topics(settings)
    proc = WorkerProcess(settings, Path(settings.data_dir) / "worker.log").start()
    try:
        yield proc
    finally:
        proc.stop()


def test_the_clause_engine_codes_the_seed_in_a_real_worker(clause_worker: WorkerProcess):
    settings = clause_worker.settings
    [(gold_article, golds)] = load_gold(SHARED_SEEDS / "seed_gold.jsonl")
    seed = gold_article.model_copy(update={"id": "seed-clauses"}).model_dump_json().encode()
    sent = publish(settings, T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW],
                   [(b"seed-clauses", seed)])
    [outcome] = wait_for_outcomes(settings, sent).values()
    assert outcome.status == "processed"
    events = latest_events(settings, event_ids=set(outcome.event_ids))
    scores = score([(gold_article, golds)], lambda _: [as_extracted(e) for e in events])
    assert scores.recall == 1.0, scores.missed  # all 9 required seed events
    assert scores.precision >= 0.8
