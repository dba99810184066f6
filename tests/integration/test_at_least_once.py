"""The non-default guarantee still works end to end: `at_least_once` on the real broker."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipeline import topics as T
from pipeline.adapters.client import latest_events, publish_files, read_lines, wait_for_outcomes
from pipeline.adapters.kafka_io import ensure_topics
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_seeds_through_an_at_least_once_worker(bootstrap_servers: str, tmp_path: Path) -> None:
    settings = isolated_settings(bootstrap_servers, tmp_path,
                                 processing_guarantee="at_least_once")
    ensure_topics(settings)
    files = sorted(SEEDS.glob("*.jsonl"))
    worker = WorkerProcess(settings, Path(settings.data_dir) / "worker.log").start()
    try:
        sent = publish_files(settings, files, T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW])
        outcomes = wait_for_outcomes(settings, sent)
        assert len(outcomes) == len(sent) == len(read_lines(files))
        statuses = Counter(o.status for o in outcomes.values())
        assert statuses["processed"] and statuses["rejected"]
        # The seed and its syndicated copy race across raw partitions: the copy is a
        # duplicate of the seed, or, when it arrives first, the seed takes over from it.
        by_id = {o.article_id: o for o in outcomes.values()}
        seed, copy = by_id["seed-000"], by_id["seed-000-syndicated"]
        assert (copy.status, copy.duplicate_of) == ("duplicate", "seed-000") or (
            (seed.status, seed.supersedes) == ("processed", "seed-000-syndicated"))
        ids = {e for o in outcomes.values() for e in o.event_ids}
        assert {e.event_id for e in latest_events(settings, event_ids=ids)} == ids
    finally:
        worker.stop()
