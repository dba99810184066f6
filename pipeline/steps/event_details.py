"""Per-event details read from the sentence: location, date, quantity, a confidence score,
the clause and subject-distance tests they need, and the event record itself.

Records are built with `model_construct`: every input is already valid by construction
(codes come from the lexicons, countries from the gazetteer), and validating each nested
model again cost a fifth of the extraction time on event-dense text.

Mixed into the extractor's per-sentence context (`event_context.EventContext`), which provides
`phrases`, `lower`, `lowered`, `s0` and `dates()` for the current sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from pipeline.steps.actors import Phrase
from pipeline.steps.countries import country_name
from pipeline.steps.event_rules import CLAUSE_BREAK
from pipeline.steps.temporal import DateRef
from pipeline.steps.verbs import VerbMatch
from schemas.records import Actor, Evidence, ExtractedEvent, Location

_NOMINAL_SOURCE_GAP = 45
_QUANTITY_ROOTS = frozenset({"08", "14", "15", "17", "18", "19", "20"})
_FUTURE = frozenset({"planned", "expected", "threatened", "conditional"})
_TARGET_DATE_WINDOW = 24

_QUANTITY = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+)(?:\s+(million|thousand))?\s+(?:[a-z-]+\s+){0,2}?"
    r"(hostages|prisoners|detainees|captives|people|civilians|soldiers|troops|protesters|"
    r"demonstrators|militants|rebels|fighters|police|officers|policemen|residents|refugees|"
    r"migrants|children|women|men|workers|students|palestinians|israelis|journalists|"
    r"activists|members|suspects|bodies|deaths|dead|casualties|troop)\b")


class EventDetails:
    """Location, quantity and confidence of an event in the current sentence."""

    phrases: Sequence[Phrase]
    text: str
    lower: str
    lowered: str
    s0: int
    s1: int
    published: date
    actor_cache: dict[int, Actor]
    _evidence: Evidence | None
    _cut: int

    def dates(self, future: bool) -> list[DateRef]:
        raise NotImplementedError

    def evidence(self) -> Evidence:
        if self._evidence is None:
            self._evidence = Evidence.model_construct(sentence=self.text, start=self.s0,
                                                      end=self.s1)
        return self._evidence

    def actor(self, phrase: Phrase) -> Actor:
        if phrase.how == "location":
            # Stand-ins are made per event and may be freed: never cache by their id.
            return Actor.model_construct(text=phrase.text, code=phrase.code or "",
                                         country=phrase.country, role=None,
                                         organisation=None, country_name=None)
        cached = self.actor_cache.get(id(phrase))
        if cached is None:
            cached = Actor.model_construct(text=phrase.text, code=phrase.code or "",
                                           country=phrase.country, role=phrase.role,
                                           organisation=phrase.org, country_name=None)
            self.actor_cache[id(phrase)] = cached
        return cached

    def build_event(self, verb: VerbMatch, code: str, status: str, source: Phrase,
                    target: Phrase | None, location: Location | None,
                    inferred_source: bool) -> ExtractedEvent:
        """The record of one event (validated inputs, so no re-validation)."""
        when = self.event_date(verb, target, status in _FUTURE, self._cut)
        if status == "expected" and when is not None and when.date_start == when.date_end \
                and when.date_start >= self.published:
            status = "planned"  # "is expected to meet X on Wednesday": a scheduled meeting
        return ExtractedEvent.model_construct(
            source=self.actor(source),
            target=self.actor(target) if target is not None else None,
            code=code, status=status, location=location,
            date_start=when.date_start if when else None,
            date_end=when.date_end if when else None,
            quantity=self.quantity(verb) if code[:2] in _QUANTITY_ROOTS else None,
            evidence=self.evidence(),
            confidence=self.confidence(verb, source, target, inferred_source),
        )

    def location(self, verb: VerbMatch) -> Location | None:
        places = [p for p in self.phrases if p.locative or (p.place and not p.is_actor)]
        if not places:
            return None
        after = [p for p in places if p.start >= verb.end]
        chosen = after[0] if after else places[-1]
        if chosen.place is not None:
            place = chosen.place
            return Location.model_construct(name=place.name, country=place.country,
                                            lat=place.lat, lon=place.lon)
        if chosen.country:
            return Location.model_construct(name=country_name(chosen.country) or chosen.text,
                                            country=chosen.country, lat=None, lon=None)
        return None

    def quantity(self, verb: VerbMatch) -> int | None:
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

    def confidence(self, verb: VerbMatch, source: Phrase, target: Phrase | None,
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

    def close_subject(self, source: Phrase, verb: VerbMatch) -> bool:
        """Whether `source` is close enough to an event noun or bare protest to be its actor."""
        if source.start >= verb.end:
            return True  # passive agent
        gap = self.lowered[source.end:verb.start]
        return len(gap) <= _NOMINAL_SOURCE_GAP and not CLAUSE_BREAK.search(gap)

    def clause_start(self, pos: int) -> int:
        last = self.s0
        for m in CLAUSE_BREAK.finditer(self.lowered, self.s0, pos):
            last = m.end()
        return last

    def event_date(self, verb: VerbMatch, target: Phrase | None, future: bool,
                   cut: int) -> DateRef | None:
        """The date nearest the verb, or one right after its target; a date in a trailing
        attribution (", his office said on Monday") is when it was said, not the event's."""
        refs = [r for r in self.dates(future) if r.start < cut or r.start < verb.start]
        if not refs:
            return None
        if target is not None and target.how != "location":
            for ref in refs:
                if target.end <= ref.start <= target.end + _TARGET_DATE_WINDOW:
                    return ref
        return min(refs, key=lambda r: min(abs(r.start - verb.end), abs(verb.start - r.end)))
