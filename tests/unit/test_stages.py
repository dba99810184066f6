"""The three stage objects run without a broker: records in, outputs and decisions out, state
in plain dicts standing in for the Faust tables (quix `.test()` / bytewax testing-sink style).
The chain ingest -> articles -> events is the worker's, minus Kafka."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from pipeline import topics
from pipeline.errors import InputError
from pipeline.stages.articles import ArticleStage
from pipeline.stages.events import EventStage, read_candidates
from pipeline.stages.ingest import EXTRACT, VALIDATE, IngestStage
from pipeline.stages.outputs import Output
from pipeline.steps.article_dedup.near_dup import MatchRule
from pipeline.steps.events.partition import partition_of
from schemas.records import (
    Actor,
    Article,
    ArticleOutcome,
    DeadLetter,
    EnrichedEvent,
    EventCandidate,
    EventMention,
    Evidence,
    ExtractedEvent,
    ValidArticle,
)

T0 = datetime(2025, 2, 4, 10, tzinfo=UTC)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
BODY = ("Israeli Prime Minister Benjamin Netanyahu met President Donald Trump in Washington "
        "on Tuesday to discuss the ceasefire in Gaza, officials said. The two leaders also "
        "talked about Iran and about the hostages still held by Hamas militants.")


def raw(**fields: object) -> bytes:
    doc = {"id": "a1", "source": "wire", "title": "Netanyahu meets Trump", "body": BODY,
           "published_at": T0.isoformat(), **fields}
    return json.dumps(doc).encode()


def meeting(article: Article) -> list[ExtractedEvent]:
    """A fixed extractor: one meeting per article, in its first sentence."""
    return [ExtractedEvent(
        source=Actor(text="Netanyahu", code="ISRGOV", country="ISR", role="GOV"),
        target=Actor(text="Trump", code="USAGOV", country="USA", role="GOV"),
        code="040", evidence=Evidence(sentence=article.body[:40], start=0, end=40),
        confidence=0.8)]


def ingest_stage(extract=meeting, attempts: int = 3) -> IngestStage:
    return IngestStage(extract, max_article_bytes=10_000, attempts=attempts, now=lambda: NOW)


def article_stage(store: dict, window_hours: float = 72) -> ArticleStage:
    return ArticleStage(store, window_seconds=window_hours * 3600, rule=MatchRule(),
                        story_threshold=0.22, now=lambda: NOW)


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def event_stage(store: dict, clock: Clock, interval: float = 5.0) -> EventStage:
    return EventStage(store, window_seconds=7 * 86400, update_interval_seconds=interval,
                      max_article_refs=20, clock=clock)


def only(outputs: list[Output], topic: str) -> list[Output]:
    return [o for o in outputs if o.topic == topic]


def valid_record(ref: str, value: bytes) -> ValidArticle:
    [out] = ingest_stage().process(value, ref, T0.timestamp()).outputs
    assert isinstance(out.record, ValidArticle)
    return out.record


def candidates_of(stage: ArticleStage, record: ValidArticle) -> list[EventCandidate]:
    outputs = stage.process(record).outputs
    return [c for o in only(outputs, topics.EVENTS_CANDIDATES)
            for c in read_candidates(o.encoded())]


# -- ingest --------------------------------------------------------------------------------------

def test_a_valid_article_goes_to_articles_valid_keyed_by_article_id():
    result = ingest_stage().process(raw(), "articles.raw:2:7", T0.timestamp())
    [out] = result.outputs
    assert (out.topic, out.key) == (topics.ARTICLES_VALID, "a1")
    record = out.record
    assert isinstance(record, ValidArticle)
    assert record.input_ref == "articles.raw:2:7" and record.ingest_ts == T0.timestamp()
    assert [e.code for e in record.events] == ["040"] and record.sketch.shingles > 0
    assert result.finished == [VALIDATE, EXTRACT] and set(result.seconds) == {VALIDATE, EXTRACT}


@pytest.mark.parametrize(("value", "reason"), [
    (b"{not json", "invalid_json"), (raw(body=" "), "empty_body"), (b"x" * 20_000, "oversize"),
    (b'{"body": "caf\xe9"}', "invalid_encoding")])
def test_bad_input_becomes_a_dead_letter_then_a_rejected_outcome(value: bytes, reason: str):
    result = ingest_stage().process(value, "articles.raw:0:3", T0.timestamp())
    letter, outcome = result.outputs
    assert (letter.topic, letter.key) == (topics.ARTICLES_DLQ, "articles.raw:0:3")
    assert isinstance(letter.record, DeadLetter)
    assert (letter.record.error_type, letter.record.stage) == (reason, VALIDATE)
    assert (letter.record.source_topic, letter.record.partition, letter.record.offset) \
        == ("articles.raw", 0, 3)
    assert letter.record.original == value and letter.record.failed_at == NOW
    assert outcome.topic == topics.ARTICLES_OUTCOMES and outcome.ingest_ts == T0.timestamp()
    assert isinstance(outcome.record, ArticleOutcome)
    assert (outcome.record.status, outcome.record.reason) == ("rejected", reason)
    assert result.finished == []


def test_an_extractor_that_keeps_raising_is_retried_then_dead_lettered():
    calls = []

    def poison(article: Article) -> list[ExtractedEvent]:
        calls.append(article.id)
        raise RuntimeError("boom")

    result = ingest_stage(poison, attempts=3).process(raw(), "articles.raw:0:1", 0.0)
    letter, outcome = result.outputs
    assert len(calls) == 3 and result.retries == 2
    assert (letter.record.error_type, letter.record.stage) == ("step_failed", EXTRACT)
    assert "RuntimeError: boom" in letter.record.message
    assert result.finished == [VALIDATE]


def test_an_extractor_input_error_is_not_retried():
    calls = []

    def refuses(article: Article) -> list[ExtractedEvent]:
        calls.append(1)
        raise InputError("not news", stage=EXTRACT)

    result = ingest_stage(refuses).process(raw(), "articles.raw:0:1", 0.0)
    assert len(calls) == 1 and result.retries == 0
    assert result.outputs[0].record.error_type == "invalid_input"


# -- article dedup -------------------------------------------------------------------------------

def test_a_new_article_is_processed_and_its_events_become_candidates():
    stage = article_stage({})
    result = stage.process(valid_record("articles.raw:0:1", raw()))
    *candidates, outcome = result.outputs
    assert [(c.topic, c.key, c.partition) for c in candidates] \
        == [(topics.EVENTS_CANDIDATES, "a1", 0)]
    [mention] = candidates[0].record.mentions
    assert outcome.record.status == "processed" and outcome.key == "articles.raw:0:1"
    assert outcome.record.event_ids == [mention.event_id]
    assert not result.decision.is_duplicate and len(stage) == 1


def test_a_copy_is_a_duplicate_whose_events_join_the_originals():
    stage = article_stage({})
    original = candidates_of(stage, valid_record("articles.raw:0:1", raw()))
    later = (T0 + timedelta(days=1)).isoformat()  # the copy's own day would change the id
    result = stage.process(valid_record("articles.raw:1:1", raw(id="a2", published_at=later)))
    outcome = result.outputs[-1].record
    assert (outcome.status, outcome.duplicate_of, outcome.similarity) == ("duplicate", "a1", 1.0)
    assert outcome.event_ids == [c.event_id for c in original]
    assert len(stage) == 1  # copies are not stored


def test_a_rebuilt_stage_still_recognises_copies_from_its_store():
    store: dict = {}
    article_stage(store).process(valid_record("articles.raw:0:1", raw()))
    recovered = article_stage(store)  # what a restarted worker builds from its changelog
    recovered.rebuild()
    outcome = recovered.process(valid_record("articles.raw:0:2", raw(id="a2"))).outputs[-1]
    assert outcome.record.duplicate_of == "a1"


def test_an_original_arriving_after_its_copy_takes_over_without_new_events():
    stage = article_stage({})
    later = (T0 + timedelta(hours=2)).isoformat()
    copy_out = stage.process(valid_record("articles.raw:0:1", raw(id="copy", source="other",
                                                                  published_at=later)))
    original_out = stage.process(valid_record("articles.raw:0:2", raw()))
    copy_outcome, original_outcome = copy_out.outputs[-1].record, original_out.outputs[-1].record
    assert isinstance(original_outcome, ArticleOutcome)
    assert (copy_outcome.status, copy_outcome.duplicate_of) == ("processed", None)
    assert (original_outcome.status, original_outcome.supersedes) == ("processed", "copy")
    assert original_outcome.event_ids == copy_outcome.event_ids  # the same events, mentioned again
    third = stage.process(valid_record("articles.raw:0:3", raw(id="third", source="third",
                                                               published_at=later)))
    assert third.outputs[-1].record.duplicate_of == "a1"


def test_an_input_timestamp_far_ahead_of_the_workers_clock_is_capped():
    year_ahead = NOW.timestamp() + 365 * 86400
    [out] = ingest_stage().process(raw(), "articles.raw:0:1", year_ahead).outputs
    assert out.record.ingest_ts == NOW.timestamp() + 3600


def test_an_event_of_a_backfill_outlives_a_live_event_dated_years_later():
    # Both arrive now; the backfill's mentions are dated 2025, the live one years later.
    store: dict = {}
    stage = event_stage(store, Clock())
    first, second = mentions_of_one_event()
    now = first.ingest_ts + 7000 * 86400
    live = first.model_copy(update={"event_id": "e-live", "mention_id": "m-live",
                                    "published_at": first.published_at + timedelta(days=7000),
                                    "ingest_ts": now + 1})
    assert stage.process(first.model_copy(update={"ingest_ts": now}), 0).expired == 0
    assert stage.process(live, 0).expired == 0
    again = stage.process(second.model_copy(update={"ingest_ts": now + 2}), 0)
    assert again.repeated and set(store) == {first.event_id, "e-live"}


def test_entries_expire_by_arrival_time():
    store: dict = {}
    stage = article_stage(store, window_hours=1)
    stage.process(valid_record("articles.raw:0:1", raw()))
    later = T0 + timedelta(hours=5)
    record = valid_record("articles.raw:0:2", raw(id="b", body="Something else entirely. "
                                                  * 20, published_at=later.isoformat()))
    result = stage.process(record.model_copy(update={"ingest_ts": later.timestamp()}))
    assert result.expired == 1 and set(store) == {"b"}


def test_an_articles_candidates_go_once_to_each_partition_their_event_ids_hash_to():
    def ten_meetings(article: Article) -> list[ExtractedEvent]:
        [one] = meeting(article)
        return [one.model_copy(update={"code": code}) for code in
                ("040", "042", "043", "036", "057", "051", "046", "030", "020", "010")]

    [valid] = ingest_stage(ten_meetings).process(raw(), "articles.raw:0:1", 0).outputs
    stage = ArticleStage({}, window_seconds=3600, rule=MatchRule(), story_threshold=0.22,
                         now=lambda: NOW, partitions=4)
    *records, outcome = stage.process(valid.record).outputs
    partitions = [r.partition for r in records]
    assert len(partitions) == len(set(partitions)) > 1
    read = [(r.partition, c) for r in records for c in read_candidates(r.encoded())]
    assert all(partition_of(c.event_id, 4) == p for p, c in read)
    assert len(read) == 10 and sorted({c.event_id for _, c in read}) == outcome.record.event_ids
    assert {(c.article.id, c.input_ref) for _, c in read} == {("a1", "articles.raw:0:1")}


def test_a_candidate_record_of_an_older_worker_is_still_read():
    [candidate] = candidates_of(article_stage({}), valid_record("articles.raw:0:1", raw()))
    assert read_candidates(candidate.model_dump_json().encode()) == [candidate]


# -- events --------------------------------------------------------------------------------------

def mentions_of_one_event() -> list[EventCandidate]:
    """The same meeting reported by two outlets (two articles, one canonical event)."""
    stage = article_stage({})
    first = candidates_of(stage, valid_record("articles.raw:0:1", raw()))
    other = raw(id="a2", source="other", body="Netanyahu and Trump met at the White House, "
                "where they spoke about trade and the region for two hours on Tuesday.")
    second = candidates_of(stage, valid_record("articles.raw:0:2", other))
    assert first[0].event_id == second[0].event_id and first[0].mention_id != second[0].mention_id
    return [first[0], second[0]]


def test_a_new_event_goes_out_at_once_and_an_update_waits_for_its_interval():
    store: dict = {}
    clock = Clock()
    stage = event_stage(store, clock)
    first, second = mentions_of_one_event()
    result = stage.process(first, 3)
    mention, enriched = result.outputs
    assert isinstance(mention.record, EventMention) and mention.key == first.mention_id
    assert isinstance(enriched.record, EnrichedEvent) and enriched.record.revision == 1
    assert enriched.ingest_ts == first.ingest_ts and not result.repeated
    result = stage.process(second, 3)
    assert [o.topic for o in result.outputs] == [topics.EVENTS_MENTIONS] and result.repeated
    assert stage.due(lambda p: True) == []  # interval not over yet
    clock.t += 5
    [(partition, update)] = stage.due(lambda p: True)
    assert partition == 3 and update.record.revision == 2
    assert (update.record.num_mentions, update.record.num_sources) == (2, 2)
    stored = json.loads(store[first.event_id])
    assert stored["revision"] == 2 and stored["partition"] == 3


def test_routed_events_also_go_to_their_quad_class_topic_now_and_when_flushed():
    clock = Clock()
    stage = EventStage({}, window_seconds=7 * 86400, update_interval_seconds=5.0,
                       max_article_refs=20, quad_topics=True, clock=clock)
    first, second = mentions_of_one_event()
    _, enriched, routed = stage.process(first, 1).outputs
    assert isinstance(enriched.record, EnrichedEvent)
    assert routed.topic == topics.quad_topic(enriched.record.quad_class)
    assert (routed.key, routed.record) == (enriched.key, enriched.record)
    stage.process(second, 1)
    clock.t += 5
    flushed = stage.due(lambda p: True)
    assert [o.topic for _, o in flushed] == [topics.EVENTS_ENRICHED, routed.topic]
    assert event_stage({}, clock).process(first, 1).outputs[-1].topic == topics.EVENTS_ENRICHED


def test_a_redelivered_mention_is_not_counted_twice():
    stage = event_stage({}, Clock())
    first, _ = mentions_of_one_event()
    stage.process(first, 0)
    again = stage.process(first, 0)
    assert not again.counted and again.outputs == []


def test_an_update_held_back_when_the_worker_died_is_sent_after_rebuild():
    store: dict = {}
    clock = Clock()
    stage = event_stage(store, clock)
    first, second = mentions_of_one_event()
    stage.process(first, 1)
    stage.process(second, 1)  # throttled: the update lives only in the dead worker's memory
    recovered = event_stage(store, clock)
    recovered.rebuild()
    clock.t += 5
    assert recovered.due(lambda p: p != 1) == []  # not ours any more: not sent by us
    recovered = event_stage(store, clock)
    recovered.rebuild()
    [(partition, update)] = recovered.due(lambda p: p == 1)
    assert (partition, update.record.revision) == (1, 2)
    assert len(recovered) == 1  # the expiry index was rebuilt from the store too


def test_events_without_a_mention_in_the_window_are_forgotten():
    store: dict = {}
    stage = event_stage(store, Clock())
    first, _ = mentions_of_one_event()
    stage.process(first, 0)
    late = first.model_copy(update={
        "event_id": "e-late", "mention_id": "m-late",
        "published_at": first.published_at + timedelta(days=9),
        "ingest_ts": first.ingest_ts + 9 * 86400})
    result = stage.process(late, 0)
    assert result.expired == 1 and set(store) == {"e-late"}


def test_warming_the_ingest_stage_builds_the_extractors_dictionaries():
    from pipeline.steps.extraction.extract import extract_events
    from pipeline.steps.extraction.scan import combined_automaton

    combined_automaton.cache_clear()
    calls: list[str] = []

    def extract(article: Article) -> list[ExtractedEvent]:
        calls.append(article.id)
        return extract_events(article)

    ingest_stage(extract).warm()
    assert calls == ["warm-up"] and combined_automaton.cache_info().currsize == 1
