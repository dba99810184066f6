"""Per-event details read from the sentence: location, quantity and a confidence score.

Mixed into the extractor's per-sentence context (`extract._Context`), which provides
`phrases`, `lower` and `s0` for the current sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.steps.actors import Phrase
from pipeline.steps.countries import country_name
from pipeline.steps.verbs import VerbMatch
from schemas.records import Location

_QUANTITY = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+)(?:\s+(million|thousand))?\s+(?:[a-z-]+\s+){0,2}?"
    r"(hostages|prisoners|detainees|captives|people|civilians|soldiers|troops|protesters|"
    r"demonstrators|militants|rebels|fighters|police|officers|policemen|residents|refugees|"
    r"migrants|children|women|men|workers|students|palestinians|israelis|journalists|"
    r"activists|members|suspects|bodies|deaths|dead|casualties|troop)\b")


class EventDetails:
    """Location, quantity and confidence of an event in the current sentence."""

    phrases: Sequence[Phrase]
    lower: str
    s0: int

    def _location(self, verb: VerbMatch) -> Location | None:
        places = [p for p in self.phrases if p.locative or (p.place and not p.is_actor)]
        if not places:
            return None
        after = [p for p in places if p.start >= verb.end]
        chosen = after[0] if after else places[-1]
        if chosen.place is not None:
            place = chosen.place
            return Location(name=place.name, country=place.country, lat=place.lat, lon=place.lon)
        if chosen.country:
            return Location(name=country_name(chosen.country) or chosen.text,
                            country=chosen.country)
        return None

    def _quantity(self, verb: VerbMatch) -> int | None:
        best: tuple[int, int] | None = None
        for m in _QUANTITY.finditer(self.lower):
            start, end = self.s0 + m.start(), self.s0 + m.end()
            distance = min(abs(start - verb.end), abs(verb.start - end))
            value = int(m.group(1).replace(",", ""))
            if m.group(2):
                value *= 1_000_000 if m.group(2) == "million" else 1_000
            if best is None or distance < best[0]:
                best = (distance, value)
        return best[1] if best else None

    def _confidence(self, verb: VerbMatch, source: Phrase, target: Phrase | None,
                    inferred_source: bool) -> float:
        score = 0.35
        score += {"explicit": 0.25, "pronoun": 0.15, "sibling": 0.15}.get(source.how, 0.05)
        if target is not None:
            score += 0.2 if target.how == "explicit" else 0.1
        gap = verb.start - source.end if source.end <= verb.start else source.start - verb.end
        if gap < 60:
            score += 0.1
        if inferred_source:
            score -= 0.15
        return round(max(0.05, min(0.95, score)), 2)
