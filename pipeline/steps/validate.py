"""Decode, validate and normalise one raw input message into an `Article`.

Raises an `InputError` subclass with a clear message for anything unusable; the caller turns
that into a dead letter. The size limit is enforced before any parsing.
"""

from __future__ import annotations

import re
import unicodedata

import orjson
from pydantic import ValidationError

from pipeline.errors import (
    DecodeError,
    EmptyBodyError,
    InvalidJsonError,
    OversizeError,
    SchemaError,
)
from schemas.records import Article

STAGE = "validate"

# C0/C1 control characters except tab and newline: they break downstream text tools.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MAX_ERRORS_SHOWN = 5


def decode_article(raw: bytes | None, *, max_bytes: int) -> Article:
    """Turn the raw message value into a normalised, validated `Article`."""
    if raw is None or len(raw) == 0:
        raise InvalidJsonError("empty message value", stage=STAGE)
    if len(raw) > max_bytes:
        raise OversizeError(f"message is {len(raw)} bytes; the limit is {max_bytes}", stage=STAGE)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"value is not valid UTF-8: {exc.reason} at byte {exc.start}",
                          stage=STAGE) from exc
    try:
        payload = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidJsonError(f"value is not valid JSON: {exc}", stage=STAGE) from exc
    if not isinstance(payload, dict):
        raise SchemaError(f"expected a JSON object, got {type(payload).__name__}", stage=STAGE)
    body = payload.get("body")
    if isinstance(body, str) and not body.strip():
        raise EmptyBodyError("article body is empty", stage=STAGE)
    try:
        article = Article.model_validate(payload)
    except ValidationError as exc:
        raise SchemaError(_summarise(exc), stage=STAGE) from exc
    return normalise_article(article)


def normalise_article(article: Article) -> Article:
    """NFC-normalise text and drop control characters; evidence offsets refer to this body."""
    return article.model_copy(
        update={"title": _clean(article.title), "body": _clean(article.body)}
    )


def _clean(text: str) -> str:
    return _CONTROL.sub("", unicodedata.normalize("NFC", text.replace("\r\n", "\n")))


def _summarise(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:_MAX_ERRORS_SHOWN]:
        where = ".".join(str(p) for p in err["loc"]) or "record"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - _MAX_ERRORS_SHOWN
    if more > 0:
        parts.append(f"... and {more} more")
    return "schema violation: " + "; ".join(parts)
