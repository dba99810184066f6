import json

import pytest

from pipeline.errors import (
    Action,
    EmptyBodyError,
    InputError,
    as_input_error,
    call_with_retries,
    policy,
)
from pipeline.steps.validate import decode_article

GOOD = {"id": "a1", "source": "wire", "title": "T", "body": "Body text.",
        "published_at": "2025-02-04T10:00:00Z"}


def raw(**changes) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


def test_valid_article_is_decoded_and_normalised():
    article = decode_article(raw(body="Cafe\u0301\x00 in\r\nParis", extra_field=1),
                             max_bytes=10_000)
    assert article.body == "Caf\u00e9 in\nParis"  # NFC, control chars dropped, CRLF → LF
    assert article.published_at.isoformat() == "2025-02-04T10:00:00+00:00"


def test_date_only_and_naive_times_are_utc():
    assert decode_article(raw(published_at="2025-02-04"), max_bytes=10_000).published_at.hour == 0
    naive = decode_article(raw(published_at="2025-02-04T10:00:00"), max_bytes=10_000)
    assert naive.published_at.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("value", "error_type", "fragment"),
    [
        (b"", "invalid_json", "empty"),
        (b"{not json", "invalid_json", "not valid JSON"),
        (b'{"body": "caf\xe9"}', "invalid_encoding", "UTF-8"),
        (b"[1, 2]", "schema_violation", "JSON object"),
        (raw(body="   "), "empty_body", "empty"),
        (raw(body=None), "schema_violation", "body"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "body"}).encode(),
         "schema_violation", "body: Field required"),
        (raw(id=7), "schema_violation", "id:"),
        (raw(published_at="tomorrow"), "schema_violation", "published_at"),
        (raw(url="ftp://x"), "schema_violation", "url"),
    ],
)
def test_bad_input_raises_a_clear_input_error(value, error_type, fragment):
    with pytest.raises(InputError) as info:
        decode_article(value, max_bytes=10_000)
    assert info.value.error_type == error_type
    assert fragment in info.value.message
    assert info.value.stage == "validate"
    assert policy(info.value) is Action.DEAD_LETTER


def test_size_limit_is_enforced_before_parsing():
    # Not even valid JSON: the size check must reject it first.
    with pytest.raises(InputError) as info:
        decode_article(b"x" * 2048, max_bytes=1024)
    assert info.value.error_type == "oversize"


def test_unexpected_errors_are_retried_then_dead_lettered_as_step_failed():
    assert policy(RuntimeError("bug")) is Action.RETRY
    err = as_input_error(RuntimeError("bug"), "extract_events", 3)
    assert (err.error_type, err.stage) == ("step_failed", "extract_events")
    assert policy(err) is Action.DEAD_LETTER
    assert "failed 3 times: RuntimeError: bug" in err.message


def test_input_errors_keep_their_own_reason():
    bad = EmptyBodyError("empty", stage="validate")
    assert as_input_error(bad, "validate", 3) is bad


class Flaky:
    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


def test_a_passing_fault_is_retried_within_the_bound():
    step, seen = Flaky(2, MemoryError("pressure")), []
    assert call_with_retries(step, attempts=3, on_retry=seen.append) == "ok"
    assert step.calls == 3 and len(seen) == 2


def test_a_poison_record_fails_after_the_bound():
    step = Flaky(99, ValueError("poison"))
    with pytest.raises(ValueError, match="poison"):
        call_with_retries(step, attempts=3, on_retry=lambda _: None)
    assert step.calls == 3


def test_input_errors_are_never_retried():
    step = Flaky(99, InputError("bad record"))
    with pytest.raises(InputError):
        call_with_retries(step, attempts=3, on_retry=lambda _: None)
    assert step.calls == 1
