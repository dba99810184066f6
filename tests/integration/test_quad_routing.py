"""With WIRESTREAM_QUAD_TOPICS a real worker also routes every enriched event to
`events.quad.N` by its quad class, and a consumer of one class reads only that class."""

from __future__ import annotations

from pathlib import Path

from pipeline import topics as T
from pipeline.adapters.client import latest_events, publish_files, wait_for_outcomes
from pipeline.adapters.kafka_io import ensure_topics, read_topic
from schemas.records import EnrichedEvent
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.jsonl"))


def test_each_event_reaches_its_quad_class_topic_and_no_other(bootstrap_servers: str,
                                                              tmp_path: Path) -> None:
    settings = isolated_settings(bootstrap_servers, tmp_path, quad_topics=True)
    ensure_topics(settings)
    names = T.TopicNames(settings.topic_prefix)
    worker = WorkerProcess(settings, Path(settings.data_dir) / "worker.log").start()
    try:
        outcomes = wait_for_outcomes(settings, publish_files(settings, SEEDS,
                                                             names[T.ARTICLES_RAW]))
        event_ids = {e for o in outcomes.values() for e in o.event_ids}
        events = {e.event_id: e for e in latest_events(settings, event_ids=event_ids)}
    finally:
        worker.stop()
    assert event_ids and set(events) >= event_ids
    routed: dict[str, int] = {}
    for quad in (1, 2, 3, 4):
        for key, value in read_topic(settings, names[T.quad_topic(quad)], timeout=20):
            record = EnrichedEvent.model_validate_json(value)
            assert record.quad_class == quad and key is not None
            assert key.decode() == record.event_id
            routed[record.event_id] = quad
    assert set(routed) == set(events)  # every event, once per class topic it belongs to
    assert {e.quad_class for e in events.values()} == set(routed.values())
    assert all(routed[i] == e.quad_class for i, e in events.items())
