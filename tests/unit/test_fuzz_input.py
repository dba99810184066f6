"""Property-based fuzzing of decode → validate → extract: hostile input never crashes a step.

Every input either becomes an `Article` whose extraction succeeds, or raises an `InputError`
with a stable reason and a message (which the worker turns into a dead letter). Over 10,000
generated inputs run across these properties.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.steps.clauses.extract import extract_events as clause_events
from pipeline.steps.extraction.extract import extract_events
from pipeline.steps.validate import decode_article
from schemas.records import Article

MAX_BYTES = 20_000
REASONS = {"oversize", "invalid_encoding", "invalid_json", "schema_violation", "empty_body"}
FUZZ = settings(max_examples=2_500, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text from every Unicode category, including control characters, surrogates excluded by
# UTF-8 itself, right-to-left scripts, combining marks and emoji.
any_text = st.text(st.characters(codec="utf-8"), max_size=400)
scripts = st.sampled_from([
    "Путин встретился с Си Цзиньпином в Москве.", "نتنياهو يلتقي ترامب في واشنطن",
    "習近平在北京會見了普京。", "नेतन्याहू ने वाशिंगटन में ट्रम्प से मुलाकात की।",
    "<p>Hamas <b>rejected</b> the <script>alert(1)</script> plan</p>", "\u202eevil\u202c",
    "Z̸̢̛a̷l̶g̵o̴", "🇺🇦 Ukraine 🤝 🇦🇪", "\x00\x01\x1b[31m red \x7f", "a" * 5_000,
])
body_text = st.one_of(any_text, scripts, st.lists(scripts, max_size=6).map(" ".join))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         any_text)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)), max_leaves=20)


def check(raw: bytes) -> None:
    try:
        article = decode_article(raw, max_bytes=MAX_BYTES)
    except InputError as err:
        assert err.error_type in REASONS
        assert err.message and err.stage == "validate"
        return
    events = extract_events(article)
    for event in events:
        assert 0 <= event.evidence.start <= event.evidence.end <= len(article.body)


@FUZZ
@given(st.binary(max_size=2_000))
def test_random_bytes(raw: bytes) -> None:
    check(raw)


@FUZZ
@given(json_values)
def test_arbitrary_json_documents(value: object) -> None:
    check(json.dumps(value).encode())


@FUZZ
@given(st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(any_text, st.integers(), st.none()),
        "source": st.one_of(any_text, st.lists(any_text, max_size=2)),
        "title": st.one_of(any_text, st.floats()),
        "body": st.one_of(body_text, st.integers(), st.dictionaries(any_text, any_text)),
        "url": st.one_of(any_text, st.just("https://example.invalid/x")),
        "language": any_text,
        "published_at": st.one_of(any_text, st.just("2025-02-04"), st.integers(),
                                  st.just("2025-02-04T10:00:00+05:30")),
    },
))
def test_article_shaped_records_with_wrong_or_missing_fields(record: dict) -> None:
    check(json.dumps(record).encode())


@FUZZ
@given(st.text(min_size=1, max_size=60).filter(str.strip), body_text, st.dates())
def test_valid_articles_in_every_script_extract_cleanly(id_: str, body: str, day) -> None:
    record = {"id": id_, "source": "fuzz", "body": body, "published_at": day.isoformat()}
    check(json.dumps(record, ensure_ascii=False).encode())


@FUZZ
@given(st.integers(min_value=1, max_value=3_000), st.sampled_from(["[", "{\"a\":"]))
def test_deeply_nested_and_oversize_json(depth: int, opener: str) -> None:
    check((opener * depth).encode())
    check(b'{"id": "x", "source": "s", "body": "' + b"w " * MAX_BYTES + b'"}')


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body_text, st.dates())
def test_the_clause_engine_codes_text_in_every_script_cleanly(body: str, day) -> None:
    # Fewer examples than the lexical engine's: each one is parsed.
    if not body.strip():
        return
    article = Article(id="fuzz", source="fuzz", body=body, published_at=day.isoformat())
    for event in clause_events(article):
        assert 0 <= event.evidence.start <= event.evidence.end <= len(article.body)
        assert event.evidence.sentence == article.body[event.evidence.start:event.evidence.end]
