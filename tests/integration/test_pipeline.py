"""End to end on the real broker: articles.raw in, every output topic checked."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

from pipeline import topics as T
from pipeline.adapters.client import (
    latest_events,
    message_key,
    publish_files,
    read_lines,
    wait_for_outcomes,
)
from pipeline.adapters.kafka_io import publish, read_topic
from pipeline.evaluation.events import load_gold, score
from schemas.records import DeadLetter, EnrichedEvent, ExtractedEvent
from tests.support.tools import require_tool
from tests.support.workers import metric_sample

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def raw_topic(settings) -> str:
    return T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]


def seed_lines() -> list[bytes]:
    return read_lines([SEEDS / "articles.jsonl"])


def article_line(article_id: str, **changes) -> bytes:
    for line in seed_lines():
        record = json.loads(line)
        if record["id"] == article_id:
            return json.dumps({**record, **changes}).encode()
    raise KeyError(article_id)


def as_extracted(event: EnrichedEvent) -> ExtractedEvent:
    """The extraction fields of a canonical event, to score it like the extractor."""
    return ExtractedEvent(source=event.source, target=event.target, code=event.code,
                          status=event.status, location=event.location,
                          date_start=event.date_start, date_end=event.date_end,
                          quantity=event.quantity, evidence=event.evidence,
                          confidence=event.confidence)


def test_seed_article_yields_its_required_events_on_events_enriched(pipeline_settings, worker):
    [(gold_article, golds)] = load_gold(SHARED_SEEDS / "seed_gold.jsonl")
    seed = gold_article.model_copy(update={"id": "seed-e2e"}).model_dump_json().encode()
    sent = publish(pipeline_settings, raw_topic(pipeline_settings), [(b"seed-e2e", seed)])
    [outcome] = wait_for_outcomes(pipeline_settings, sent).values()
    assert (outcome.status, outcome.article_id) == ("processed", "seed-e2e")
    events = latest_events(pipeline_settings, event_ids=set(outcome.event_ids))
    assert {e.event_id for e in events} == set(outcome.event_ids)

    # Scored with the same matcher as `wirestream eval events`: every required seed event
    # (source, target, root) must be on the output topic, with its stated details.
    scores = score([(gold_article, golds)], lambda _: [as_extracted(e) for e in events])
    assert scores.recall == 1.0, scores.missed
    assert scores.precision >= 0.85
    assert scores.accuracy(scores.status_ok) >= 0.9
    assert scores.accuracy(scores.date_ok) >= 0.9
    assert scores.accuracy(scores.location_ok) >= 0.9
    for e in events:
        assert e.label and e.root_label and e.plover and 1 <= e.quad_class <= 4
        assert e.articles[0].id == "seed-e2e" and e.revision >= 1
        assert e.evidence.sentence in gold_article.body
    mentions = read_topic(pipeline_settings,
                          T.TopicNames(pipeline_settings.topic_prefix)[T.EVENTS_MENTIONS])
    mentioned = {json.loads(v)["event_id"] for _, v in mentions}
    assert set(outcome.event_ids) <= mentioned


def test_bad_records_are_dead_lettered_with_reasons(pipeline_settings, worker):
    lines = read_lines([SEEDS / "bad-records.jsonl"])
    oversize = json.dumps({"id": "big", "source": "s", "published_at": "2025-02-04",
                           "body": "word " * 20_000}).encode()
    records = [(message_key(line), line) for line in lines] + [(b"big", oversize), (b"t", b"")]
    sent = publish(pipeline_settings, raw_topic(pipeline_settings), records)
    outcomes = wait_for_outcomes(pipeline_settings, sent)
    assert len(outcomes) == len(sent)
    assert {o.status for o in outcomes.values()} == {"rejected"}
    reasons = {p.input_ref: outcomes[p.input_ref].reason for p in sent}
    by_value = dict(zip([value for _, value in records], [reasons[p.input_ref] for p in sent],
                        strict=True))
    assert by_value[oversize] == "oversize"
    assert by_value[b""] == "invalid_json"
    assert by_value[b"not json at all"] == "invalid_json"
    assert "invalid_encoding" in by_value.values()
    assert "empty_body" in by_value.values()
    assert "schema_violation" in by_value.values()

    wanted = {p.input_ref for p in sent}
    dlq_topic = T.TopicNames(pipeline_settings.topic_prefix)[T.ARTICLES_DLQ]
    dlq = read_topic(pipeline_settings, dlq_topic,
                     until=lambda rs: wanted <= {k.decode() for k, _ in rs})
    letters = {k.decode(): DeadLetter.model_validate_json(v) for k, v in dlq}
    for published, (_, value) in zip(sent, records, strict=True):
        letter = letters[published.input_ref]
        assert letter.stage == "validate"
        assert letter.error_type == outcomes[published.input_ref].reason
        assert letter.message
        assert letter.original == value
        assert (letter.partition, letter.offset) == (published.partition, published.offset)
    # The wire format carries the original bytes as base64.
    first = json.loads(dlq[0][1])
    assert base64.b64decode(first["original"]) == letters[dlq[0][0].decode()].original


def test_syndicated_copies_are_duplicates_whose_events_count_as_mentions(
        pipeline_settings, worker):
    original = article_line("sample-001", id="dup-a", published_at="2025-02-06T14:00:00Z")
    body = json.loads(original)["body"]
    # An exact copy under a new headline, and an edited one: last sentence cut, a typo,
    # boilerplate added, published the next day.
    exact = article_line("sample-001", id="dup-b", source="other-outlet", title="New headline")
    edited_body = body.rsplit("\n", 1)[0].replace("exchanged", "exchnaged") + \
        "\nCopyright 2025 Example Syndicate. All rights reserved."
    edited = article_line("sample-001", id="dup-c", source="third-outlet", body=edited_body,
                          published_at="2025-02-07T09:00:00Z")
    raw = raw_topic(pipeline_settings)
    [first] = publish(pipeline_settings, raw, [(b"dup-a", original)])
    [origin] = wait_for_outcomes(pipeline_settings, [first]).values()
    sent = publish(pipeline_settings, raw, [(b"dup-b", exact), (b"dup-c", edited)])
    copies = wait_for_outcomes(pipeline_settings, sent)
    exact_out, edited_out = (copies[p.input_ref] for p in sent)
    assert origin.status == "processed"
    assert (exact_out.status, exact_out.duplicate_of, exact_out.similarity) == (
        "duplicate", "dup-a", 1.0)
    assert edited_out.status == "duplicate" and edited_out.duplicate_of == "dup-a"
    assert 0.5 <= edited_out.similarity < 1.0
    assert origin.story_id == exact_out.story_id == edited_out.story_id
    # The copies' events are the original's events, mentioned again: no new events.
    assert set(exact_out.event_ids) == set(origin.event_ids)
    assert set(edited_out.event_ids) <= set(origin.event_ids)
    ids = set(origin.event_ids)

    def counted_three_times(records: list) -> bool:  # updates are throttled: wait for them
        return any(json.loads(v)["event_id"] in ids and json.loads(v)["num_articles"] == 3
                   for _, v in records)

    read_topic(pipeline_settings, T.TopicNames(pipeline_settings.topic_prefix)[T.EVENTS_ENRICHED],
               until=counted_three_times, timeout=60)


def test_every_input_gets_exactly_one_outcome(pipeline_settings, worker):
    tag = "count-"
    lines = [article_line(a, id=f"{tag}{a}", body=f"{i}. " + json.loads(
        article_line(a))["body"]) for i, a in enumerate(["sample-002", "sample-003"])]
    lines += read_lines([SEEDS / "bad-records.jsonl"])
    sent = publish(pipeline_settings, raw_topic(pipeline_settings),
                   [(message_key(line), line) for line in lines])
    wanted = {p.input_ref for p in sent}
    topic = T.TopicNames(pipeline_settings.topic_prefix)[T.ARTICLES_OUTCOMES]
    records = read_topic(pipeline_settings, topic,
                         until=lambda rs: wanted <= {k.decode() for k, _ in rs})
    ours = [k.decode() for k, _ in records if k.decode() in wanted]
    assert sorted(ours) == sorted(wanted)  # one each, none missing, none twice


def test_seed_folder_publishes_through_the_cli_helpers(pipeline_settings, worker):
    sent = publish_files(pipeline_settings, sorted(SEEDS.glob("*.jsonl")),
                         raw_topic(pipeline_settings))
    outcomes = wait_for_outcomes(pipeline_settings, sent)
    assert len(outcomes) == len(sent) == len(read_lines(sorted(SEEDS.glob("*.jsonl"))))


def test_metrics_endpoint_counts_and_passes_promtool(pipeline_settings, worker):
    # Runs after the tests above in this module: the worker has processed and rejected input.
    text = worker.metrics()
    assert text is not None

    def value(name: str, **labels: str) -> float:
        return metric_sample(text, name, **labels) or 0.0

    assert value("wirestream_outcomes_total", status="processed") >= 1
    assert value("wirestream_outcomes_total", status="rejected") >= 8
    assert value("wirestream_outcomes_total", status="duplicate") >= 1
    assert value("wirestream_dead_letters_total", reason="invalid_json") >= 2
    assert value("wirestream_stage_processed_total", stage="validate") >= 3
    assert value("wirestream_events_extracted_total", root="04") >= 1
    assert value("wirestream_end_to_end_latency_seconds_count", output="events.enriched") >= 1
    assert "wirestream_consumer_lag_messages" in text

    promtool = require_tool("promtool")
    check = subprocess.run([promtool, "check", "metrics"], input=text.encode(),
                           capture_output=True, check=False)
    assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()


def test_kcat_reads_enriched_events_by_key(pipeline_settings, worker):
    kcat = require_tool("kcat")
    topic = T.TopicNames(pipeline_settings.topic_prefix)[T.EVENTS_ENRICHED]
    out = subprocess.run(
        [kcat, "-C", "-b", pipeline_settings.bootstrap_servers, "-t", topic, "-o", "beginning",
         "-e", "-q", "-f", "%k\t%s\n"],
        capture_output=True, check=True, timeout=60,
    ).stdout.decode()
    rows = [line.split("\t", 1) for line in out.splitlines() if line]
    assert rows
    for key, value in rows:
        assert json.loads(value)["event_id"] == key
