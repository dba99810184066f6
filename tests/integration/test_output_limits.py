"""No input is lost to its own outputs, on a real broker with a small message limit: inputs
of every size up to the limit are processed, the first byte over it is rejected as oversize,
an input whose records would outgrow the limit is dead-lettered as `output_too_large`, and and
an input too large for a whole dead letter gets one that fits (its original cut, size kept)."""

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
from tests.integration.bloat_extractor import MARKER
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "bbc-news-2005.jsonl"
MESSAGE_LIMIT = 200_000


@pytest.fixture(scope="module")
def small_limit(bootstrap_servers: str, tmp_path_factory) -> WirestreamSettings:
    settings = isolated_settings(bootstrap_servers, tmp_path_factory.mktemp("limits"),
                                 max_message_bytes=MESSAGE_LIMIT,
                                 extractor="tests.integration.bloat_extractor:extract_or_bloat")
    ensure_topics(settings)
    return settings


@pytest.fixture(scope="module")
def limited_worker(small_limit: WirestreamSettings) -> Iterator[WorkerProcess]:
    proc = WorkerProcess(small_limit, Path(small_limit.data_dir) / "worker.log").start()
    try:
        yield proc
    finally:
        proc.stop()


def article_of_size(i: int, size: int, text: str) -> bytes:
    """A valid article of exactly `size` bytes of JSON, its body real news."""
    doc = {"id": f"size-{i}", "source": "wire", "published_at": "2005-03-01T09:00:00Z",
           "body": ""}
    room = size - len(json.dumps(doc).encode())
    doc["body"] = text[:room]
    value = json.dumps(doc).encode()
    while len(value) > size:  # escaped characters take more than one byte
        doc["body"] = doc["body"][:room - (len(value) - size)]
        room = len(doc["body"])
        value = json.dumps(doc).encode()
    return value + b" " * (size - len(value))  # trailing whitespace is still valid JSON


def test_every_input_up_to_the_limit_has_its_outcome(small_limit, limited_worker):
    limit = small_limit.input_limit
    text = " ".join(json.loads(line)["body"] for line in
                    CORPUS.read_text(encoding="utf-8").splitlines()[:1200])
    sizes = [2_000, 40_000, 100_000, limit - 1, limit, limit + 1]
    # Disjoint stretches of real news: no input is a copy of another.
    values = [article_of_size(i, n, text[i * limit:]) for i, n in enumerate(sizes)]
    values.append(json.dumps({"id": "bloat", "source": "wire", "published_at":
                              "2005-03-01T09:00:00Z", "body": f"{MARKER} text"}).encode())
    values.append(json.dumps({"id": "no-source", "body": "y" * (MESSAGE_LIMIT - 2_000)}).encode())
    sent = publish(small_limit, T.TopicNames(small_limit.topic_prefix)[T.ARTICLES_RAW],
                   [(None, v) for v in values])
    outcomes = wait_for_outcomes(small_limit, sent, timeout=120)
    statuses = [(outcomes[p.input_ref].status, outcomes[p.input_ref].reason) for p in sent]
    assert statuses == [("processed", None)] * 5 + [
        ("rejected", "oversize"), ("rejected", "output_too_large"), ("rejected", "oversize")]
    letters = [DeadLetter.model_validate_json(v) for _, v in read_topic(
        small_limit, T.TopicNames(small_limit.topic_prefix)[T.ARTICLES_DLQ],
        until=lambda records: len(records) >= 3, timeout=60)]
    by_ref = {f"{d.source_topic}:{d.partition}:{d.offset}": d for d in letters}
    oversize, bloated, huge = (by_ref[p.input_ref] for p in sent[5:])
    assert "articles.valid" in bloated.message and bloated.original == values[6]
    assert not oversize.truncated and oversize.original == values[5]
    # A dead letter holding the whole of this input would not fit the topic: it is cut.
    assert huge.truncated and huge.original_size == len(values[7])
    assert values[7].startswith(huge.original)
    assert limited_worker.proc is not None and limited_worker.proc.poll() is None  # alive
