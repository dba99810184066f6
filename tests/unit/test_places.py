"""Where an event happened: a place in the trigger's own clause (`clauses/places.py`)."""

from __future__ import annotations

import pytest

from pipeline.steps.clauses.extract import extract_events
from schemas.records import Article


def _located(body: str) -> dict[tuple[str, str | None, str], str | None]:
    article = Article(id="t", source="test", body=body, published_at="2020-01-08T10:00:00Z")
    return {(e.source.code, e.target.code if e.target else None, e.code[:2]):
            e.location.name if e.location else None for e in extract_events(article)}


@pytest.mark.parametrize(("body", "key", "place"), [
    # a fronted phrase of the trigger's clause (the window took a later clause's place)
    ("In a statement to reporters in Manila, North Korea condemned Japan, whose troops "
     "remain in Afghanistan.", ("PRK", "JPN", "11"), "Manila"),
    # a place in another event's noun phrase is that event's, not the blame's
    ("Russia blamed Israel for a missile attack on an air base in central Syria.",
     ("RUS", "ISR", "11"), None),
    # a place in reported content or an adverbial clause is that clause's
    ("Secretary of State Mike Pompeo criticized Iran on Tuesday, saying its forces in Syria "
     "must leave.", ("USAGOV", "IRN", "11"), None),
    # a country naming whose bases they are is their owner, not the place (the target stays)
    ("Iran fired missiles at U.S. military bases in Iraq on Tuesday.", ("IRN", "USA", "19"),
     "Iraq"),
    ("President Trump met Russian President Vladimir Putin in Helsinki on Monday.",
     ("USAGOV", "RUSGOV", "04"), "Helsinki"),
])
def test_an_event_is_located_by_a_place_in_its_own_clause(body, key, place):
    found = _located(body)
    assert key in found, found
    assert found[key] == place
