"""Canonical events across outlets and across a worker restart, on the real broker."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.client import latest_events, wait_for_outcomes
from pipeline.adapters.kafka_io import ensure_topics, publish, read_topic
from schemas.records import EnrichedEvent
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

SHARED = "Egypt on Tuesday rejected the proposal by the United States to relocate Gaza residents."


OWN_WORDS = {
    "a": "Diplomats in the region reacted sharply to the plan. Markets in the Gulf were calm, "
         "and analysts expect weeks of argument before anything is decided.",
    "b": "Arab governments voiced anger over the relocation idea. Newspapers in Amman carried "
         "the story on their front pages under large headlines.",
    "c": "Reporters heard similar objections from several capitals. The foreign minister is "
         "due to brief parliament on the matter at the end of the month.",
}


def article(id_: str, source: str, published: str = "2025-02-04T10:00:00Z") -> bytes:
    # Each outlet writes its own text around the one shared event: not near-duplicates.
    body = f"{OWN_WORDS[id_]}\n{SHARED}"
    return json.dumps({"id": id_, "source": source, "title": id_, "body": body,
                       "published_at": published}).encode()


@pytest.fixture(scope="module")
def settings(bootstrap_servers, tmp_path_factory):
    settings = isolated_settings(bootstrap_servers, tmp_path_factory.mktemp("events"),
                                 event_update_interval_seconds=0)
    ensure_topics(settings)
    return settings


def start_worker(settings, name: str) -> WorkerProcess:
    return WorkerProcess(settings, Path(settings.data_dir) / f"{name}.log").start()


def enriched_records(settings) -> list[EnrichedEvent]:
    topic = T.TopicNames(settings.topic_prefix)[T.EVENTS_ENRICHED]
    return [EnrichedEvent.model_validate_json(v) for _, v in read_topic(settings, topic)]


def wait_for_mentions(settings, event_id: str, num_mentions: int) -> None:
    def counted(records: list) -> bool:
        return any(e["event_id"] == event_id and e["num_mentions"] == num_mentions
                   for e in (json.loads(v) for _, v in records))

    topic = T.TopicNames(settings.topic_prefix)[T.EVENTS_ENRICHED]
    read_topic(settings, topic, until=counted, timeout=60)


def egypt_rejects(events: list[EnrichedEvent]) -> EnrichedEvent:
    [event] = [e for e in events if e.root == "12" and e.source and e.source.country == "EGY"]
    return event


def test_outlets_merge_into_one_event_and_a_restart_announces_nothing_twice(settings):
    raw = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]
    first = start_worker(settings, "worker-1")
    try:
        sent = publish(settings, raw, [(b"a", article("a", "outlet-a"))])
        [outcome] = wait_for_outcomes(settings, sent).values()
        event_a = egypt_rejects(latest_events(settings, event_ids=set(outcome.event_ids)))
        assert (event_a.revision, event_a.num_mentions, event_a.num_sources) == (1, 1, 1)

        sent = publish(settings, raw, [(b"b", article("b", "outlet-b"))])
        [outcome_b] = wait_for_outcomes(settings, sent).values()
        assert event_a.event_id in outcome_b.event_ids
        # The outcome and the event update are committed by different stages: wait for both.
        wait_for_mentions(settings, event_a.event_id, 2)
        merged = egypt_rejects(latest_events(settings, event_ids={event_a.event_id}))
        assert merged.event_id == event_a.event_id
        assert (merged.num_mentions, merged.num_articles, merged.num_sources) == (2, 2, 2)
        assert merged.revision == 2
        assert {r.id for r in merged.articles} == {"a", "b"}
    finally:
        first.stop()

    second = start_worker(settings, "worker-2")  # recovers the tables from their changelogs
    try:
        # The same input again (a producer retry) and a third outlet after the restart.
        sent = publish(settings, raw, [(b"b", article("b", "outlet-b")),
                                       (b"c", article("c", "outlet-c"))])
        outcomes = wait_for_outcomes(settings, sent)
        assert {o.status for o in outcomes.values()} == {"processed"}

        wait_for_mentions(settings, event_a.event_id, 3)
    finally:
        second.stop()

    records = enriched_records(settings)
    firsts = Counter(r.event_id for r in records if r.revision == 1)
    assert firsts and max(firsts.values()) == 1, "an event was announced as new twice"
    ours = [r for r in records if r.event_id == event_a.event_id]
    assert [r.num_mentions for r in ours] == [1, 2, 3]  # the redelivered input counted once
    assert ours[-1].num_sources == 3
