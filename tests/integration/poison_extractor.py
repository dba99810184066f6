"""A replacement extractor (`WIRESTREAM_EXTRACTOR`) that raises on one kind of record.

Used by test_poison.py to make a real worker's extraction step fail on a chosen input; every
other article goes through the built-in extractor unchanged.
"""

from __future__ import annotations

from pipeline.steps.extraction.extract import extract_events
from schemas.records import Article, ExtractedEvent

MARKER = "POISON-PILL"


def extract_or_raise(article: Article) -> list[ExtractedEvent]:
    if MARKER in article.body:
        raise RuntimeError(f"cannot handle {article.id}")
    return extract_events(article)
