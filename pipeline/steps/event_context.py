"""Per-article working state of the extractor: turns one sentence's verb hits into events.

Source = nearest actor before the verb (with actors coordinated with it), target = first actor
after it before the next verb; passives swap the roles. When the sentence names no other party,
the story supplies it: the place's country for visits and attacks, the author of the last
reported act for responses ("Seoul condemned the launch"), the source's own country for
domestic coercion ("Security forces detained 10,000 people").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipeline.steps import event_rules as rules
from pipeline.steps.actors import INSTRUMENT_HEADS, Phrase, is_possessive_pronoun
from pipeline.steps.countries import country_name
from pipeline.steps.event_details import EventDetails
from pipeline.steps.place_memory import PlaceMemory
from pipeline.steps.temporal import DateRef, find_dates, status_of
from pipeline.steps.verbs import VerbEntry, VerbMatch, choose_entry
from schemas.records import Actor, Evidence, ExtractedEvent, Location

_QUANTITY_ROOTS = frozenset({"08", "14", "15", "17", "18", "19", "20"})
# Hits that are verbal attacks when a politician, not an armed force, does them.
_VERBAL_WHEN_PERSON = ("attack", "blast", "assault on", "attack on")
_RECIPROCAL_ROOTS = frozenset({"04", "05", "06", "08"})
_PLACE_TARGET_ROOTS = frozenset({"03", "04", "07", "15", "16", "18", "19", "20"})
# Of the consultations, only going somewhere (visit, host, send envoys) targets the place:
# "leaders meeting in Vilnius" do not meet Lithuania.
_PLACE_TARGET_04 = ("042", "043", "046")
# Responses to an act: their other party is whoever did the act.
_RESPONSE_ROOTS = frozenset({"11", "12", "13"})
_NOMINAL_TARGET_GAP = 40
_INTENT_CODE = "030"
_UNARMED_ROLES = frozenset({"CRM", "OPP", "CVL", "LAB", "EDU"})
# (sources, targets, source inferred from a passive, subject shared with the previous verb)
Roles = tuple[list[Phrase], list[Phrase], bool, bool]


class EventContext(EventDetails):
    """Per-article working state, re-pointed at each sentence in turn."""

    def __init__(self, body: str, lowered: str, published: date) -> None:
        self.body, self.lowered, self.published = body, lowered, published
        self.actor_cache: dict[int, Actor] = {}
        self.s0 = self.s1 = 0
        self.phrases: Sequence[Phrase] = ()
        self.text = self.lower = ""
        self._dates: dict[bool, list[DateRef]] = {}
        self._evidence: Evidence | None = None
        self._cut = 0
        self._modifiers: set[int] = set()
        self.places = PlaceMemory()
        # (source, target) of every event so far, for responses in later sentences.
        self.history: list[tuple[Phrase, Phrase | None]] = []

    def sentence(self, s0: int, s1: int, phrases: Sequence[Phrase]) -> None:
        self.s0, self.s1, self.phrases = s0, s1, phrases
        self.text, self.lower = self.body[s0:s1], self.lowered[s0:s1]
        self._dates, self._evidence = {}, None
        self._cut = s1

    def dates(self, future: bool) -> list[DateRef]:
        if future not in self._dates:
            self._dates[future] = find_dates(self.lower, self.s0, self.published, future)
        return self._dates[future]

    def evidence(self) -> Evidence:
        if self._evidence is None:
            self._evidence = Evidence(sentence=self.text, start=self.s0, end=self.s1)
        return self._evidence

    def actor(self, phrase: Phrase) -> Actor:
        if phrase.how == "location":
            return Actor(text=phrase.text, code=phrase.code or "", country=phrase.country)
        cached = self.actor_cache.get(id(phrase))
        if cached is None:
            cached = Actor(text=phrase.text, code=phrase.code or "", country=phrase.country,
                           role=phrase.role, organisation=phrase.org)
            self.actor_cache[id(phrase)] = cached
        return cached

    # -- events -----------------------------------------------------------------------------
    def events_for(self, sverbs: Sequence[VerbMatch]) -> list[ExtractedEvent]:
        chosen = [(v, e) for v in sverbs if (e := choose_entry(v, self.lower)) is not None
                  and not rules.is_adjectival(v, self.lowered, self.s0)]
        if not chosen:
            return []
        chosen = [(v, e) for i, (v, e) in enumerate(chosen)
                  if not (i and rules.is_consequence(v, e, self.lowered))]
        # Actors and dates in a trailing attribution (", the army said.") report the event.
        found = rules.attribution_start(self.lower)
        self._cut = self.s0 + found if found is not None else self.s1
        chosen = [(v, e) for v, e in chosen if v.start < self._cut]
        # The agent of a modifier ("rebels backed by Rwanda") is never a subject.
        actors = [p for p in self.phrases if p.is_actor and p.start < self._cut]
        self._modifiers = {id(p) for p in actors if rules.is_modifier_agent(p, self.lowered)}
        if not chosen or not actors:
            return []
        out: list[ExtractedEvent] = []
        earlier: set[tuple[str, str]] = set()
        previous: tuple[VerbMatch, list[Phrase]] | None = None
        for i, (verb, entry) in enumerate(chosen):
            window_end = self._window_end(chosen[i + 1][0] if i + 1 < len(chosen) else None)
            shared = previous[1] if previous and rules.shares_subject(
                verb, self.lowered, previous[0].end) else None
            roles = self._roles(verb, actors, window_end, shared)
            if roles is None:
                continue
            previous = (verb, roles[0])
            produced = self._events_for_verb(verb, entry, roles, earlier)
            for event, source, target in produced:
                earlier.add((event.source.code, event.root))
                self.history.append((source, target))
                out.append(event)
        return out

    def _window_end(self, nxt: VerbMatch | None) -> int:
        if nxt is None:
            return self.s1
        if nxt.nominal and any(p.start == nxt.start for p in self.phrases):
            return nxt.end  # "detained dozens of protesters": the noun is the object
        return nxt.start

    def _roles(self, verb: VerbMatch, actors: list[Phrase], window_end: int,
               shared: list[Phrase] | None) -> Roles | None:
        """(sources, targets, source inferred) for one verb, or None without a source."""
        before = [p for p in actors if p.end <= verb.start and id(p) not in self._modifiers]
        after = [p for p in actors if p.start >= verb.end and not is_possessive_pronoun(p)
                 and p.head not in INSTRUMENT_HEADS]
        by = rules.BY_AGENT.match(self.lowered, verb.end)
        passive = rules.is_passive_form(verb)
        if by and passive and after and after[0].start == by.end():
            # "a proposal rejected by Egypt, Jordan and ...": agents act on the clause subject.
            return rules.coordinated(after[0], after, self.lowered, True), before[:1], False, False
        if passive and before and rules.PASSIVE_AUX.search(
                self.lowered[max(self.s0, verb.start - 30):verb.start]):
            # "33 Israeli hostages have been released": the subject is the patient.
            targets = rules.coordinated(before[-1], before, self.lowered, False)
            others = [p for p in after if p.code not in {t.code for t in targets}]
            return (others[:1], targets, True, False) if others else None
        described = rules.subject_before_appositive(before, verb, self.lowered)
        if shared:
            sources = shared
        elif described is not None:
            sources = [described]
        elif before:
            sources = rules.coordinated(before[-1], before, self.lowered, False)
        else:
            return None
        # The object is the first actor after the verb that is not the subject itself.
        in_window = [p for p in after if p.start < window_end and rules.may_target(sources[0], p)]
        targets = rules.coordinated(in_window[0], after, self.lowered, True) if in_window else []
        return sources, targets, False, bool(shared)

    def _events_for_verb(self, verb: VerbMatch, entry: VerbEntry, roles: Roles,
                         earlier: set[tuple[str, str]],
                         ) -> list[tuple[ExtractedEvent, Phrase, Phrase | None]]:
        sources, targets, inferred_source, shared = roles
        targets = [t for t in targets if rules.may_target(sources[0], t)]
        if (verb.nominal or (entry.intransitive and not targets)) and not shared \
                and not self.close_subject(sources[-1], verb):
            # An event noun ("talks") or a bare protest needs its actor right there: "Italy
            # and Germany favour an early start to talks" is not Italy holding talks.
            return []
        if verb.nominal:
            targets = [t for t in targets if t.start - verb.end <= _NOMINAL_TARGET_GAP]
        root = entry.code[:2]
        pre_clause = self.lowered[self.clause_start(verb.start):verb.start]
        status = status_of(pre_clause, root)
        intent = rules.agreed_intent(pre_clause, root)
        location = self.location(verb)
        if location is None and root == "04":
            location = self.places.carried({s.code for s in sources if s.code})
        if len(sources) > 1 and root in _RECIPROCAL_ROOTS and (not targets or (
                targets[0].start > verb.end
                and " with " not in self.lowered[verb.end:targets[0].start])):
            # "Canada and Mexico signed an agreement" (each with the other); a later actor is
            # no partner unless "with" introduces it ("... to form a unity government").
            targets = sources
        if not targets:
            targets = self._implicit_targets(verb, entry, sources[0], location)
        if not targets and not entry.intransitive:
            return []
        base = entry.target_code if targets and entry.target_code else entry.code
        if intent:
            base, status = _INTENT_CODE, "actual"
        events = []
        for source in sources:
            if not source.code or (source.code, base[:2]) in earlier:
                continue
            code = base
            if base[:2] == "19" and source.role in _UNARMED_ROLES and not source.org:
                # Gangs and crowds do not wage war: their attacks are assaults and riots.
                code = "180" if source.role == "CRM" else "145"
            if base[:2] in ("18", "19") and source.person and verb.surface.startswith(
                    _VERBAL_WHEN_PERSON):
                code = "111"
            for target in targets or [None]:
                if target is not None and not rules.may_target(source, target):
                    continue
                event = self._event(verb, code, status, source, target, location,
                                    inferred_source)
                events.append((event, source, target))
        return events

    def _implicit_targets(self, verb: VerbMatch, entry: VerbEntry, source: Phrase,
                          location: Location | None) -> list[Phrase]:
        """The other party when the sentence names none (see the module docstring)."""
        root = entry.code[:2]
        place_ok = root in _PLACE_TARGET_ROOTS and (root != "04"
                                                    or entry.code.startswith(_PLACE_TARGET_04))
        if place_ok and location is not None and location.country \
                and (location.country != source.country or source.org):
            # "visited Doha", "struck targets in northern Iraq".
            return [rules.stand_in(verb, location.name, location.country)]
        if root in _RESPONSE_ROOTS and rules.takes_act_object(verb, self.lowered) and (
                root != "13" or entry.code == "138" or verb.surface.startswith("threat")):
            # Only threats of force answer an act; "warned that ..." is often a forecast.
            author = rules.author_of_last_act(source, self.history)
            return [author] if author is not None else []
        if root in ("14", "17") and source.country and not source.org:
            # "Security forces detained nearly 10,000 people": domestic coercion; "protesters
            # vowed to continue demonstrations": protest at home is aimed at home.
            return [rules.stand_in(verb, country_name(source.country) or source.country,
                                   source.country)]
        return []

    def _event(self, verb: VerbMatch, code: str, status: str, source: Phrase,
               target: Phrase | None, location: Location | None,
               inferred_source: bool) -> ExtractedEvent:
        future = status in ("planned", "expected", "threatened", "conditional")
        when = self.event_date(verb, target, future, self._cut)
        if status == "expected" and when is not None and when.date_start == when.date_end \
                and when.date_start >= self.published:
            status = "planned"  # "is expected to meet X on Wednesday": a scheduled meeting
        return ExtractedEvent(
            source=self.actor(source),
            target=self.actor(target) if target is not None else None,
            code=code,
            status=status,  # type: ignore[arg-type]
            location=location,
            date_start=when.date_start if when else None,
            date_end=when.date_end if when else None,
            quantity=self.quantity(verb) if code[:2] in _QUANTITY_ROOTS else None,
            evidence=self.evidence(),
            confidence=self.confidence(verb, source, target, inferred_source),
        )
