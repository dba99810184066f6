"""Dedup state on the real broker: bounded under a long stream, correct with two workers."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from pipeline import topics as T
from pipeline.adapters.client import wait_for_outcomes
from pipeline.adapters.kafka_io import ensure_topics, publish
from tests.integration.test_pipeline import article_line
from tests.support.settings import isolated_settings
from tests.support.variants import (
    make_variant,
    seeded,
    synthetic_article,
    synthetic_vocabulary,
)
from tests.support.workers import WorkerProcess

DAY0 = datetime(2025, 3, 1, tzinfo=UTC)


def articles_for_day(day: int, count: int, seed: int) -> list[tuple[bytes, bytes]]:
    rng = seeded(seed)
    vocabulary = synthetic_vocabulary(rng)
    out = []
    for i in range(count):
        title, body = synthetic_article(rng, vocabulary)
        when = DAY0 + timedelta(days=day, minutes=i)
        article_id = f"d{day}-{i}"
        out.append((article_id.encode(), json.dumps({
            "id": article_id, "source": "synthetic", "title": title, "body": body,
            "published_at": when.isoformat()}).encode()))
    return out


def gauge(worker: WorkerProcess, table: str) -> float:
    value = worker.sample("wirestream_state_entries", table=table)
    return -1.0 if value is None else value


def settled_gauge(worker: WorkerProcess, table: str, timeout: float = 10.0) -> float:
    """The gauge is refreshed every second: wait for two equal readings in a row."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        value = gauge(worker, table)
        if value == last and value >= 0:
            return value
        last = value
        time.sleep(1.1)
    raise TimeoutError(f"state gauge for {table} did not settle")


def test_state_is_kept_by_arrival_time_and_bounded(bootstrap_servers, tmp_path):
    # A 5-second window: entries go once they arrived 5 s before the newest input, whatever
    # their publish dates (eight days of them here), and never more than the bound are kept.
    window, bound, per_batch = 5.0, 60, 40
    settings = isolated_settings(bootstrap_servers, tmp_path,
                                 article_dedup_window_hours=window / 3600,
                                 max_lateness_hours=0, article_index_max_entries=bound)
    ensure_topics(settings)
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    raw = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]
    sizes = []
    try:
        for day in range(6):
            if day:
                time.sleep(window + 1)  # the previous batch is older than the window now
            count = per_batch if day < 5 else 2 * bound  # the last batch outgrows the bound
            sent = publish(settings, raw, articles_for_day(day, count, seed=day))
            assert len(wait_for_outcomes(settings, sent)) == count
            sizes.append(settled_gauge(worker, T.TABLE_ARTICLE_INDEX))
        expired = worker.sample("wirestream_state_expired_total", table="article-index")
    finally:
        worker.stop()
    # Each batch of 40 finds the previous one expired (the first input of a batch sweeps it).
    assert sizes[:5] == [per_batch] * 5, sizes
    assert sizes[5] == bound, sizes
    assert expired == 5 * per_batch + 2 * bound - bound, expired


@pytest.fixture
def two_workers(bootstrap_servers, tmp_path):
    settings = isolated_settings(bootstrap_servers, tmp_path, event_update_interval_seconds=0)
    ensure_topics(settings)
    workers = [WorkerProcess(settings, tmp_path / f"worker-{i}.log") for i in range(2)]
    for w in workers:
        w.start()
    try:
        yield settings, workers
    finally:
        for w in workers:
            w.stop()


def test_copies_meet_their_originals_across_workers(two_workers):
    settings, workers = two_workers
    rng = seeded(99)
    vocabulary = synthetic_vocabulary(rng)
    originals, copies = [], []
    for i in range(12):
        title, body = synthetic_article(rng, vocabulary)
        when = (DAY0 + timedelta(minutes=i)).isoformat()
        originals.append({"id": f"o{i}", "source": "wire", "title": title, "body": body,
                          "published_at": when})
        v_title, v_body = make_variant(title, body, ["headline", "typos", "boilerplate"], rng)
        copies.append({"id": f"c{i}", "source": f"outlet-{i}", "title": v_title,
                       "body": v_body, "published_at": when})
    raw = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]
    # Keys spread the articles over every raw partition, i.e. over both workers.
    first = publish(settings, raw, [(a["id"].encode(), json.dumps(a).encode())
                                    for a in originals])
    wait_for_outcomes(settings, first)
    sent = publish(settings, raw, [(a["id"].encode(), json.dumps(a).encode()) for a in copies])
    outcomes = wait_for_outcomes(settings, sent)
    assert {(o.article_id, o.status, o.duplicate_of) for o in outcomes.values()} == {
        (f"c{i}", "duplicate", f"o{i}") for i in range(12)}
    assert all(w.metrics() for w in workers), "both workers must still be alive"
    processed = [w.sample("wirestream_stage_processed_total", stage="validate")
                 for w in workers]
    assert all(n is not None and n > 0 for n in processed), processed


def test_a_restarted_worker_still_knows_every_article(bootstrap_servers, tmp_path):
    settings = isolated_settings(bootstrap_servers, tmp_path)
    ensure_topics(settings)
    rng = seeded(5)
    vocabulary = synthetic_vocabulary(rng)
    title, body = synthetic_article(rng, vocabulary)
    when = DAY0.isoformat()
    original = {"id": "before", "source": "wire", "title": title, "body": body,
                "published_at": when}
    v_title, v_body = make_variant(title, body, ["headline", "trim", "typos"], rng)
    copy = {"id": "after", "source": "other", "title": v_title, "body": v_body,
            "published_at": when}
    raw = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]
    first = WorkerProcess(settings, tmp_path / "first.log").start()
    try:
        [before] = wait_for_outcomes(settings, publish(
            settings, raw, [(b"before", json.dumps(original).encode())])).values()
    finally:
        first.stop()
    # A new process with no local state: the in-memory LSH and story indices are rebuilt
    # from the recovered article-index table.
    second = WorkerProcess(settings.model_copy(update={"data_dir": str(tmp_path / "fresh")}),
                           tmp_path / "second.log").start()
    try:
        [after] = wait_for_outcomes(settings, publish(
            settings, raw, [(b"after", json.dumps(copy).encode())])).values()
    finally:
        second.stop()
    assert (after.status, after.duplicate_of) == ("duplicate", "before")
    assert after.story_id == before.story_id


def test_an_original_published_first_but_arriving_last_takes_over(bootstrap_servers, tmp_path):
    # The wire story is published at 09:30 and syndicated at 11:05, but the copy arrives
    # first: the copy is announced, then the wire story takes over as the original without
    # announcing its events again, and a later copy names the wire story.
    settings = isolated_settings(bootstrap_servers, tmp_path)
    ensure_topics(settings)
    original = article_line("seed-000", id="late-original")
    syndicated = article_line("seed-000", id="early-copy", source="another-wire",
                              published_at="2025-02-04T11:05:00Z")
    third = article_line("seed-000", id="third-copy", source="third-wire",
                         published_at="2025-02-04T15:00:00Z")
    raw = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]
    outcomes = []
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        for key, line in [(b"early-copy", syndicated), (b"late-original", original),
                          (b"third-copy", third)]:
            [sent] = publish(settings, raw, [(key, line)])
            [outcome] = wait_for_outcomes(settings, [sent]).values()
            outcomes.append(outcome)
    finally:
        worker.stop()
    copy_first, took_over, copy_last = outcomes
    assert (copy_first.status, copy_first.duplicate_of, copy_first.supersedes) == (
        "processed", None, None)
    assert (took_over.status, took_over.duplicate_of, took_over.supersedes) == (
        "processed", None, "early-copy")
    assert (copy_last.status, copy_last.duplicate_of) == ("duplicate", "late-original")
    assert copy_first.story_id == took_over.story_id == copy_last.story_id
    assert took_over.event_ids and set(took_over.event_ids) == set(copy_first.event_ids)
    assert set(copy_last.event_ids) == set(copy_first.event_ids)
