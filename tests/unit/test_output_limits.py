"""No input is lost to its own outputs: every record a stage sends fits `max_message_bytes`,
or the input is dead-lettered (`output_too_large`) with a dead letter that fits too."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from pipeline import topics
from pipeline.codec import encode
from pipeline.settings import OUTPUT_HEADROOM, WirestreamSettings
from pipeline.stages.ingest import EXTRACT, compact_events, restore_events
from pipeline.stages.outputs import Output
from schemas.records import (
    Actor,
    ArticleOutcome,
    DeadLetter,
    Evidence,
    ExtractedEvent,
    ValidArticle,
)
from tests.unit.test_stages import article_stage, ingest_stage, raw

LIMIT = 100_000


def big_events(article) -> list[ExtractedEvent]:
    """An extractor whose events carry text that is not the body's: they cannot be compacted."""
    return [ExtractedEvent(
        source=Actor(text="Iran", code="IRN", country="IRN"), code="010",
        evidence=Evidence(sentence="x" * 2_000 + str(i), start=0, end=10), confidence=0.5)
        for i in range(60)]


def sentences(article) -> list[ExtractedEvent]:
    """One event per sentence of the body, evidence = the body's slice."""
    out, start = [], 0
    for piece in article.body.split(". "):
        end = start + len(piece)
        out.append(ExtractedEvent(source=Actor(text="Iran", code="IRN", country="IRN"),
                                  code="010", evidence=Evidence(sentence=article.body[start:end],
                                                                start=start, end=end),
                                  confidence=0.5))
        start = end + 2
    return out


def stage(extract, limit: int = LIMIT):
    s = ingest_stage(extract)
    s.max_article_bytes, s.max_message_bytes = limit - OUTPUT_HEADROOM // 2, limit
    return s


def test_an_article_whose_record_would_be_too_large_is_dead_lettered_not_lost():
    value = raw(body="Iran said so. " * 100)
    result = stage(big_events).process(value, "articles.raw:0:7", 1.0)
    assert [o.topic for o in result.outputs] == [topics.ARTICLES_DLQ, topics.ARTICLES_OUTCOMES]
    letter, outcome = (o.record for o in result.outputs)
    assert isinstance(letter, DeadLetter) and isinstance(outcome, ArticleOutcome)
    assert (letter.error_type, letter.stage, outcome.reason) \
        == ("output_too_large", EXTRACT, "output_too_large")
    assert "articles.valid" in letter.message and letter.original == value
    assert all(len(o.encoded()) < LIMIT for o in result.outputs)


def test_a_dense_article_near_the_limit_crosses_with_its_text_once():
    sentence = "Iran criticised the plan" + " and its many clauses" * 20
    body = ". ".join([sentence] * ((LIMIT - OUTPUT_HEADROOM) // (len(sentence) + 2)))
    result = stage(sentences).process(raw(body=body), "articles.raw:0:8", 1.0)
    (out,) = result.outputs
    assert out.topic == topics.ARTICLES_VALID and len(result.events) > 50
    # The sentences cross once, in the body, not again in every event's evidence.
    assert out.encoded().count(b"Iran criticised") == body.count("Iran criticised")
    record = ValidArticle.model_validate_json(out.encoded())
    # Article dedup puts the sentences back: the candidates carry their evidence text.
    [candidate, *_] = article_stage({}).process(record).outputs[0].record.mentions
    assert candidate.event.evidence.sentence == sentence


def test_compacting_keeps_sentences_that_are_not_the_body_slice():
    article = ValidArticle.model_validate_json(
        encode(stage(sentences).process(raw(body="A. B"), "t:0:0", 0).outputs[0].record)).article
    own = Evidence(sentence="paraphrase", start=0, end=1)
    events = [ExtractedEvent(source=Actor(text="Iran", code="IRN"), code="010", evidence=own,
                             confidence=0.5)]
    assert restore_events(article, compact_events(article, events))[0].evidence == own


def test_a_dead_letter_of_an_input_at_the_limit_fits_with_its_original_cut():
    value = json.dumps({"id": "x", "body": "y" * LIMIT}).encode()  # invalid: no source
    result = stage(big_events).process(value, "articles.raw:1:2", 1.0)
    letter = result.outputs[0]
    assert letter.topic == topics.ARTICLES_DLQ and len(letter.encoded()) < LIMIT
    assert letter.record.truncated and letter.record.original_size == len(value)
    assert value.startswith(letter.record.original)


def test_the_input_limit_leaves_room_for_the_outputs():
    assert WirestreamSettings().input_limit == 1_048_576 - OUTPUT_HEADROOM
    assert WirestreamSettings(max_message_bytes=200_000).input_limit == 200_000 - OUTPUT_HEADROOM
    with pytest.raises(ValidationError, match="too little room"):
        WirestreamSettings(max_message_bytes=200_000, max_article_bytes=190_000)


def test_outputs_that_fit_go_out_encoded_once():
    result = stage(sentences).process(raw(), "articles.raw:0:1", 1.0)
    assert all(isinstance(o, Output) and o.value is not None for o in result.outputs)
