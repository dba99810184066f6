"""Pure event extraction: article text in, CAMEO-coded events out.

Per sentence, every verb-lexicon hit is a candidate event. Its source is the nearest actor
before the verb (with any actors coordinated with it), its target the nearest actor after it
and before the next verb (again with coordinated actors); "rejected by X" and "X were released"
swap the roles. Status, date, location and quantity are read from the same sentence.
No I/O, no global state beyond dictionaries compiled once per process.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date

from pipeline.steps.actors import (
    COUNTRY,
    SELF_TARGET_HEADS,
    Phrase,
    find_phrases,
    is_possessive_pronoun,
    resolve,
)
from pipeline.steps.event_details import EventDetails
from pipeline.steps.lexicon import boundary_text, normalise
from pipeline.steps.place_memory import PlaceMemory
from pipeline.steps.sentences import split_sentences
from pipeline.steps.temporal import DateRef, find_dates, status_of
from pipeline.steps.verbs import VerbEntry, VerbMatch, choose_entry, find_verbs
from schemas.records import Actor, Article, Evidence, ExtractedEvent, Location

_PASSIVE_AUX = re.compile(r"\b(?:is|are|was|were|been|being|be|get|got)\s+(?:\w+ly\s+)?$")
_BY_AGENT = re.compile(r"\s+by\s+")
_PARTICIPLE_END = ("ed", "en", "wn")
_PARTICIPLES = frozenset({"met", "sent", "held", "struck", "cut", "hit", "shot", "led", "laid",
                          "fought", "sought", "freed"})
# List separators, optionally after a time phrase: "Hegseth on Wednesday and Congressional ..."
_COORD_GAP = re.compile(r"^(?:\s+(?:on|by|until|this|next)\s+[a-z]+(?:\s+[a-z]+)?)?"
                        r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s+as well as\s+)$")
_CLAUSE_BREAK = re.compile(r"[,;:\u2014]|\s-\s")
_QUANTITY_ROOTS = frozenset({"08", "14", "15", "17", "18", "19", "20"})
# Hits that are verbal attacks when a politician, not an armed force, does them.
_VERBAL_WHEN_PERSON = ("attack", "blast", "assault on", "attack on")
_TARGET_DATE_WINDOW = 24
_TOLL_ROOTS = frozenset({"18", "19", "20"})
_TOLL_LEAD = re.compile(r",\s*(?:and\s+)?$")
_WORD_BEFORE = re.compile(r"\b([a-z]+)\s+$")
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "this", "these",
                          "those", "some", "many", "all", "including", "of", "two", "three",
                          "several", "other", "newly", "recently", "previously", "allegedly"})
# A trailing attribution clause: ", the defence ministry in Ankara said." / ", officials said".
_ATTRIBUTION = re.compile(r",[^,]{0,80}?\b(?:said|says|told|reported|announced|added|"
                          r"according to|quoted)\b[^,]{0,40}[.!?\"']*$")
_RECIPROCAL_ROOTS = frozenset({"04", "05", "06", "08"})
_PLACE_TARGET_ROOTS = frozenset({"04", "15", "18", "19", "20"})
_NOMINAL_SOURCE_GAP = 45
_NOMINAL_TARGET_GAP = 40


def extract_events(article: Article) -> list[ExtractedEvent]:
    """Extract CAMEO-coded events from one article. Deterministic and side-effect free."""
    body = article.body
    lowered = normalise(body)
    sentences = split_sentences(body)
    if not sentences:
        return []
    starts = [s for s, _ in sentences]
    bounded = boundary_text(lowered)
    phrases = find_phrases(body, lowered, bounded)
    resolve(phrases, [bisect_right(starts, p.start) - 1 for p in phrases], lowered)
    verbs = find_verbs(body, lowered, bounded)
    phrase_starts = [p.start for p in phrases]
    verb_starts = [v.start for v in verbs]
    context = _Context(body, lowered, article.published_at.date())
    events: list[ExtractedEvent] = []
    seen: set[tuple[str, str | None, str, str]] = set()
    for index, (s0, s1) in enumerate(sentences):
        sphrases = phrases[bisect_left(phrase_starts, s0):bisect_left(phrase_starts, s1)]
        context.places.note(index, sphrases)
        sverbs = verbs[bisect_left(verb_starts, s0):bisect_left(verb_starts, s1)]
        if not sverbs or not sphrases:
            continue
        context.sentence(s0, s1, sphrases)
        for event in context.events_for(sverbs):
            key = (event.source.code, event.target.code if event.target else None, event.root,
                   event.status)
            if key not in seen:
                seen.add(key)
                events.append(event)
    return events


def _is_consequence(verb: VerbMatch, entry: VerbEntry, lowered: str) -> bool:
    """", killing 33 people" after an attack verb gives the toll of that attack, not a second
    event."""
    return (entry.code[:2] in _TOLL_ROOTS and verb.surface.split()[0].endswith("ing")
            and bool(_TOLL_LEAD.search(lowered, max(0, verb.start - 12), verb.start)))


def _may_target(source: Phrase, target: Phrase) -> bool:
    """An actor is not its own target, except for collective nouns of its own side ("threatened
    to leave the coalition")."""
    return target.code != source.code or target.head in SELF_TARGET_HEADS


class _Context(EventDetails):
    """Per-article working state, re-pointed at each sentence in turn."""

    def __init__(self, body: str, lowered: str, published: date) -> None:
        self.body = body
        self.lowered = lowered
        self.published = published
        self.actor_cache: dict[int, Actor] = {}
        self.s0 = self.s1 = 0
        self.phrases: Sequence[Phrase] = ()
        self.text = self.lower = ""
        self._dates: dict[bool, list[DateRef]] = {}
        self._evidence: Evidence | None = None
        self.places = PlaceMemory()

    def sentence(self, s0: int, s1: int, phrases: Sequence[Phrase]) -> None:
        self.s0, self.s1, self.phrases = s0, s1, phrases
        self.text = self.body[s0:s1]
        self.lower = self.lowered[s0:s1]
        self._dates = {}
        self._evidence = None

    # -- per-sentence helpers -------------------------------------------------------------
    def dates(self, future: bool) -> list[DateRef]:
        if future not in self._dates:
            self._dates[future] = find_dates(self.lower, self.s0, self.published, future)
        return self._dates[future]

    def evidence(self) -> Evidence:
        if self._evidence is None:
            self._evidence = Evidence(sentence=self.text, start=self.s0, end=self.s1)
        return self._evidence

    def actor(self, phrase: Phrase) -> Actor:
        cached = self.actor_cache.get(id(phrase))
        if cached is None:
            cached = Actor(text=phrase.text, code=phrase.code or "", country=phrase.country,
                           role=phrase.role, organisation=phrase.org)
            self.actor_cache[id(phrase)] = cached
        return cached

    def coordinated(self, first: Phrase, actors: Sequence[Phrase], forward: bool) -> list[Phrase]:
        """`first` plus the actors joined to it by commas/and/or, in text order."""
        group = [first]
        index = actors.index(first)
        step = 1 if forward else -1
        while 0 <= index + step < len(actors):
            nxt = actors[index + step]
            left, right = (group[-1], nxt) if forward else (nxt, group[-1])
            if not _COORD_GAP.match(self.lowered[left.end:right.start]):
                break
            group.append(nxt)
            index += step
        return group if forward else group[::-1]

    # -- events -----------------------------------------------------------------------------
    def events_for(self, sverbs: Sequence[VerbMatch]) -> list[ExtractedEvent]:
        chosen = [(v, e) for v in sverbs if (e := choose_entry(v, self.lower)) is not None
                  and not self._adjectival(v)]
        chosen = [(v, e) for i, (v, e) in enumerate(chosen)
                  if not (i and _is_consequence(v, e, self.lowered))]
        # Actors in a trailing attribution (", the army said.") report the event; they take
        # no part in it.
        cut = self._attribution_start()
        chosen = [(v, e) for v, e in chosen if v.start < cut]
        actors = [p for p in self.phrases if p.is_actor and p.start < cut]
        if not chosen or not actors:
            return []
        out: list[ExtractedEvent] = []
        earlier: set[tuple[str, str]] = set()
        for i, (verb, entry) in enumerate(chosen):
            window_end = chosen[i + 1][0].start if i + 1 < len(chosen) else self.s1
            produced = self._events_for_verb(verb, entry, actors, window_end, earlier)
            for event in produced:
                earlier.add((event.source.code, event.root))
            out.extend(produced)
        return out

    def _events_for_verb(self, verb: VerbMatch, entry: VerbEntry, actors: list[Phrase],
                         window_end: int, earlier: set[tuple[str, str]]) -> list[ExtractedEvent]:
        before = [p for p in actors if p.end <= verb.start]
        after = [p for p in actors if p.start >= verb.end and not is_possessive_pronoun(p)]
        inferred_source = False
        by = _BY_AGENT.match(self.lowered, verb.end)
        passive_form = verb.surface.split()[0].endswith(_PARTICIPLE_END) or \
            verb.surface.split()[0] in _PARTICIPLES
        if by and passive_form and after and after[0].start == by.end():
            # "a proposal rejected by Egypt, Jordan and ...": agents act on the clause subject.
            sources = self.coordinated(after[0], after, forward=True)
            targets = before[:1]
        elif passive_form and before and _PASSIVE_AUX.search(
                self.lowered[max(self.s0, verb.start - 30):verb.start]):
            # "33 Israeli hostages have been released": the subject is the patient.
            targets = self.coordinated(before[-1], before, forward=False)
            others = [p for p in after if p.code not in {t.code for t in targets}]
            if not others:
                return []
            sources, inferred_source = others[:1], True
        else:
            if not before:
                return []
            sources = self.coordinated(before[-1], before, forward=False)
            # The object is the first actor after the verb that is not the subject itself.
            in_window = [p for p in after if p.start < window_end and _may_target(sources[0], p)]
            targets = self.coordinated(in_window[0], after, forward=True) if in_window else []
        targets = [t for t in targets if _may_target(sources[0], t)]
        if (verb.nominal or (entry.intransitive and not targets)) and not self._close_subject(
                sources[-1], verb):
            # An event noun ("talks") or a bare protest needs its actor right there: "Italy
            # and Germany favour an early start to talks" is not Italy holding talks.
            return []
        if verb.nominal:
            targets = [t for t in targets if t.start - verb.end <= _NOMINAL_TARGET_GAP]
        root = entry.code[:2]
        clause_start = self._clause_start(verb.start)
        status = status_of(self.lowered[clause_start:verb.start], root)
        location = self._location(verb)
        if location is None and root == "04":
            location = self.places.carried({s.code for s in sources if s.code})
        if not targets and len(sources) > 1 and root in _RECIPROCAL_ROOTS:
            targets = sources  # "Canada and Mexico signed an agreement": each with the other
        if not targets and root in _PLACE_TARGET_ROOTS and location is not None \
                and location.country and location.country not in {s.country for s in sources}:
            # "visited Doha", "struck targets in northern Iraq": the place's country is the
            # other party when no actor is named.
            fallback = Phrase(verb.start, verb.start, location.name, {COUNTRY},
                              country=location.country, how="location")
            targets = [fallback]
        if not targets and not entry.intransitive:
            return []
        events: list[ExtractedEvent] = []
        for source in sources:
            if not source.code or (source.code, root) in earlier:
                continue
            code = entry.code
            if root in ("18", "19") and source.person and verb.surface.startswith(
                    _VERBAL_WHEN_PERSON):
                code = "111"
            for target in targets or [None]:
                if target is not None and not _may_target(source, target):
                    continue
                events.append(self._event(verb, code, status, source, target, location,
                                          inferred_source))
        return events

    def _event(self, verb: VerbMatch, code: str, status: str, source: Phrase,
               target: Phrase | None, location: Location | None,
               inferred_source: bool) -> ExtractedEvent:
        future = status in ("planned", "expected", "threatened", "conditional")
        when = self._date(verb, target, future)
        if status == "expected" and when is not None and when.date_start == when.date_end \
                and when.date_start >= self.published:
            status = "planned"  # "is expected to meet X on Wednesday": a scheduled meeting
        root = code[:2]
        quantity = self._quantity(verb) if root in _QUANTITY_ROOTS else None
        return ExtractedEvent(
            source=self.actor(source),
            target=self.actor(target) if target is not None and target.how != "location"
            else (Actor(text=target.text, code=target.code or "", country=target.country)
                  if target is not None else None),
            code=code,
            status=status,  # type: ignore[arg-type]
            location=location,
            date_start=when.date_start if when else None,
            date_end=when.date_end if when else None,
            quantity=quantity,
            evidence=self.evidence(),
            confidence=self._confidence(verb, source, target, inferred_source),
        )

    def _adjectival(self, verb: VerbMatch) -> bool:
        """A participle used as an adjective ("convicted terrorists", "the detained leader")
        names no event."""
        first = verb.surface.split()[0]
        if " " in verb.surface or not first.endswith(_PARTICIPLE_END):
            return False
        m = _WORD_BEFORE.search(self.lowered, max(self.s0, verb.start - 20), verb.start)
        return bool(m and m.group(1) in _DETERMINERS)

    def _attribution_start(self) -> int:
        m = _ATTRIBUTION.search(self.lower)
        return self.s0 + m.start() if m else self.s1

    def _close_subject(self, source: Phrase, verb: VerbMatch) -> bool:
        if source.start >= verb.end:
            return True  # passive agent
        gap = self.lowered[source.end:verb.start]
        return len(gap) <= _NOMINAL_SOURCE_GAP and not _CLAUSE_BREAK.search(gap)

    def _clause_start(self, pos: int) -> int:
        last = self.s0
        for m in _CLAUSE_BREAK.finditer(self.lowered, self.s0, pos):
            last = m.end()
        return last

    def _date(self, verb: VerbMatch, target: Phrase | None, future: bool) -> DateRef | None:
        # "..., his office said on Monday": that date is when it was said, not the event's.
        cut = self._attribution_start()
        refs = [r for r in self.dates(future) if r.start < cut or r.start < verb.start]
        if not refs:
            return None
        if target is not None and target.how != "location":
            for ref in refs:
                if target.end <= ref.start <= target.end + _TARGET_DATE_WINDOW:
                    return ref
        return min(refs, key=lambda r: min(abs(r.start - verb.end), abs(verb.start - r.end)))
