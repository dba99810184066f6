"""A near-free extractor for measuring the framework's cost apart from extraction.

    WIRESTREAM_EXTRACTOR=bench.fixed_extractor:extract_events wirestream worker

Two events per article (a meeting and a reply between two governments), their evidence the
article's first 200 characters, so every downstream record, table write and event topic is
exercised as with a real extractor while extraction itself costs next to nothing. The pair of
countries comes from a hash of the article id, so events spread over the event-state keys and
partitions as real ones do instead of piling onto one key. `bench/bench_suite.py` runs the
pipeline with it beside the default engine.
"""

from __future__ import annotations

import zlib

from schemas.records import Actor, Article, Evidence, ExtractedEvent

_COUNTRIES = ("USA", "CHN", "RUS", "GBR", "FRA", "DEU", "IND", "JPN", "BRA", "ZAF", "NGA",
              "EGY", "IRN", "ISR", "TUR", "UKR", "KOR", "MEX", "AUS", "IDN")


def _government(country: str) -> Actor:
    return Actor(text=country, code=f"{country}GOV", country=country, role="GOV")


def extract_events(article: Article) -> list[ExtractedEvent]:
    """Two events, a meeting and a reply, between the article's pair of governments."""
    h = zlib.crc32(article.id.encode("utf-8"))
    n = len(_COUNTRIES)
    one, other = _COUNTRIES[h % n], _COUNTRIES[(h % n + 1 + (h // n) % (n - 1)) % n]
    end = min(len(article.body), 200)
    evidence = Evidence(sentence=article.body[:end], start=0, end=end)
    a, b = _government(one), _government(other)
    return [ExtractedEvent(source=a, target=b, code="040", evidence=evidence, confidence=0.9),
            ExtractedEvent(source=b, target=a, code="111", evidence=evidence, confidence=0.9)]
