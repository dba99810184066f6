"""A replacement extractor (`WIRESTREAM_EXTRACTOR`) whose events outgrow the message limit on
one kind of record: their evidence is text of its own, so it cannot be left to the body.

Used by test_output_limits.py; every other article goes through the built-in extractor.
"""

from __future__ import annotations

from pipeline.steps.extraction.extract import extract_events
from schemas.records import Actor, Article, Evidence, ExtractedEvent

MARKER = "BLOAT-ME"


def extract_or_bloat(article: Article) -> list[ExtractedEvent]:
    if MARKER not in article.body:
        return extract_events(article)
    return [ExtractedEvent(source=Actor(text="Iran", code="IRN", country="IRN"), code="010",
                           evidence=Evidence(sentence=f"{i} " + "paraphrase " * 500, start=0,
                                             end=len(MARKER)), confidence=0.5)
            for i in range(200)]
