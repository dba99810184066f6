"""A record that makes a step raise is retried a bounded number of times, dead-lettered as
`step_failed`, and does not block the records behind it in its partition (real broker)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.client import wait_for_outcomes
from pipeline.adapters.kafka_io import ensure_topics, publish, read_topic
from pipeline.settings import WirestreamSettings
from schemas.records import DeadLetter
from tests.integration.poison_extractor import MARKER
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

ATTEMPTS = 3


@pytest.fixture(scope="module")
def poisoned_worker(bootstrap_servers: str, tmp_path_factory) -> Iterator[WorkerProcess]:
    settings = isolated_settings(
        bootstrap_servers, tmp_path_factory.mktemp("poison"), step_attempts=ATTEMPTS,
        extractor="tests.integration.poison_extractor:extract_or_raise")
    ensure_topics(settings)
    proc = WorkerProcess(settings, Path(settings.data_dir) / "worker.log").start()
    try:
        yield proc
    finally:
        proc.stop()


def article(i: int, body: str) -> bytes:
    return json.dumps({"id": f"p-{i}", "source": "wire", "published_at": "2025-02-04T09:00:00Z",
                       "body": body}).encode()


def test_poison_record_is_dead_lettered_and_does_not_block(poisoned_worker: WorkerProcess):
    settings: WirestreamSettings = poisoned_worker.settings
    bodies = ["Egypt condemned Israel on Monday.", f"Hamas met Qatar. {MARKER}",
              "Iran rejected the proposal by Turkey on Tuesday.",
              "Russia accused Ukraine of violating the ceasefire."]
    # One key: the poison record sits between good ones in a single partition.
    sent = publish(settings, T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW],
                   [(b"one-partition", article(i, b)) for i, b in enumerate(bodies)])
    assert len({p.partition for p in sent}) == 1
    outcomes = wait_for_outcomes(settings, sent)
    statuses = [outcomes[p.input_ref].status for p in sent]
    assert statuses == ["processed", "rejected", "processed", "processed"]
    poison = sent[1].input_ref
    assert outcomes[poison].reason == "step_failed"
    assert all(outcomes[p.input_ref].event_ids for p in sent if p.input_ref != poison)

    dlq = read_topic(settings, T.TopicNames(settings.topic_prefix)[T.ARTICLES_DLQ],
                     until=lambda rs: any(k and k.decode() == poison for k, _ in rs))
    letter = DeadLetter.model_validate_json(next(v for k, v in dlq if k.decode() == poison))
    assert (letter.stage, letter.error_type) == ("extract_events", "step_failed")
    assert f"failed {ATTEMPTS} times" in letter.message and "RuntimeError" in letter.message
    assert letter.original == article(1, bodies[1])
    assert poisoned_worker.sample("wirestream_stage_retries_total",
                                  stage="extract_events") == ATTEMPTS - 1
