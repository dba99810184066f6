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

from pipeline.steps import embedding
from pipeline.steps import event_rules as rules
from pipeline.steps.actors import INSTRUMENT_HEADS, Phrase, is_possessive_pronoun
from pipeline.steps.countries import country_name
from pipeline.steps.event_details import EventDetails
from pipeline.steps.place_memory import PlaceMemory
from pipeline.steps.temporal import DateRef, find_dates, status_of
from pipeline.steps.verbs import SentenceWords, VerbEntry, VerbMatch, choose_entry
from schemas.records import Actor, Evidence, ExtractedEvent, Location

# Hits that are verbal attacks when a politician, not an armed force, does them.
_VERBAL_WHEN_PERSON = ("attack", "blast", "assault on", "clash")
_CIVIL_ROLES = frozenset({"GOV", "LEG", "JUD"})
_RECIPROCAL_ROOTS = frozenset({"04", "05", "06", "08"})
_RECIPROCAL_19 = ("clash", "exchang", "trade fire", "traded fire", "trading fire")
_PLACE_TARGET_ROOTS = frozenset({"03", "04", "07", "15", "16", "18", "19", "20"})
# Of the consultations, only going somewhere (visit, host, send envoys) targets the place:
# "leaders meeting in Vilnius" do not meet Lithuania.
_PLACE_TARGET_04 = ("042", "043", "046")
# Responses to an act: their other party is whoever did the act.
_RESPONSE_ROOTS = frozenset({"11", "12", "13"})
_NOMINAL_TARGET_GAP = 40
_INTENT_CODE = "030"
_UNARMED_ROLES = frozenset({"CRM", "OPP", "CVL", "LAB", "EDU"})
# Non-state attackers with no named victim attack their own country ("gunmen abducted pupils").
_NON_STATE = frozenset({"CRM", "REB", "CVL", "OPP"})
# (sources, targets, source inferred from a passive, subject shared with the previous verb)
Roles = tuple[list[Phrase], list[Phrase], bool, bool]


class EventContext(EventDetails):
    """Per-article working state, re-pointed at each sentence in turn."""

    def __init__(self, body: str, lowered: str, published: date,
                 triggers: Sequence[int] | None = None) -> None:
        self.body, self.lowered, self.published = body, lowered, published
        self.actor_cache: dict[int, Actor] = {}
        self.s0 = self.s1 = 0
        self.phrases: Sequence[Phrase] = ()
        self.text = self.lower = ""
        self._dates: dict[bool, list[DateRef]] = {}
        self._evidence: Evidence | None = None
        self._cut = 0
        self._modifiers: set[int] = set()
        self._spans: list[embedding.Complement] = []
        # Starts of words that may open an embedded clause; None: unknown, test every sentence.
        self._triggers = triggers
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

    # -- events -----------------------------------------------------------------------------
    def events_for(self, sverbs: Sequence[VerbMatch]) -> list[ExtractedEvent]:
        words = SentenceWords(self.lower)
        chosen = [(v, e) for v in sverbs if (e := choose_entry(v, words)) is not None
                  and not rules.is_adjectival(v, self.lowered, self.s0)]
        if not chosen:
            return []
        chosen = [(v, e) for i, (v, e) in enumerate(chosen)
                  if not (i and rules.is_consequence(v, e, self.lowered))]
        # Actors and dates in a trailing attribution (", the army said.") report the event.
        found = rules.attribution_start(self.lower)
        self._cut = self.s0 + found if found is not None else self.s1
        chosen = [(v, e) for v, e in chosen if v.start < self._cut]
        # Acts only requested, ordered or forecast are not events (see `embedding`).
        self._spans = embedding.complements(self.lower, self.text, self.s0) if (
            self._triggers is None or embedding.any_between(self._triggers, self.s0, self.s1)
        ) else []
        if self._spans:
            chosen = [(v, e) for v, e in chosen
                      if embedding.keeps(self._spans, v, e.code[:2])]
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
                if event.status != "negated":  # an act that did not happen answers nothing
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
        if self._spans:
            embedded = embedding.speaker_roles(self._spans, verb, before, after, self.lowered)
            if embedded is not None:
                return embedded[0], embedded[1], False, True  # the speaker's own act
            span = embedding.of_trigger(self._spans, verb.start, verb.end)
            if span is not None and span.kind != embedding.CLAIM:
                # "urged Iran to ...": the addressee comes before the complement.
                after = embedding.addressees(span, after, self.lowered)
        by = rules.BY_AGENT.match(self.lowered, verb.end)
        passive = rules.is_passive_form(verb)
        if by and passive and after and after[0].start == by.end():
            # "a proposal rejected by Egypt, Jordan and ...": agents act on the clause subject.
            return rules.coordinated(after[0], after, self.lowered, True), before[:1], False, False
        if passive and before and rules.PASSIVE_AUX.search(
                self.lowered[max(self.s0, verb.start - 30):verb.start]):
            # "33 Israeli hostages have been released": the subject is the patient.
            targets = rules.coordinated(before[-1], before, self.lowered, False)
            others = [p for p in after if p.code not in {t.code for t in targets}
                      and rules.may_be_agent(p, self.lowered)]
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
        window_end = rules.clause_end(self.lowered, verb.end, window_end,
                                      self.clause_start(verb.start))
        in_window = [p for p in after if p.start < window_end and rules.may_target(sources[0], p)]
        targets = rules.coordinated(in_window[0], after, self.lowered, True) if in_window else []
        return sources, targets, False, bool(shared)

    def _events_for_verb(self, verb: VerbMatch, entry: VerbEntry, roles: Roles,
                         earlier: set[tuple[str, str]],
                         ) -> list[tuple[ExtractedEvent, Phrase, Phrase | None]]:
        sources, targets, inferred_source, shared = roles
        root = entry.code[:2]
        nominal = rules.noun_like(verb, self.phrases, self.lowered)
        sources = rules.usable_sources(sources, root, nominal, shared)
        if not sources or rules.nominal_by(verb, self.lowered):
            return []
        targets = rules.foreign_or_domestic(sources[0], [
            t for t in targets if rules.may_target(sources[0], t)], root)
        if (nominal or (entry.intransitive and not targets)) and not shared \
                and not self.close_subject(sources[-1], verb):
            # An event noun ("talks") or a bare protest needs its actor right there: "Italy
            # and Germany favour an early start to talks" is not Italy holding talks.
            return []
        if nominal:
            targets = [t for t in targets if t.start - verb.end <= _NOMINAL_TARGET_GAP]
        pre_clause = self.lowered[self.clause_start(verb.start):verb.start]
        status = status_of(pre_clause, root)
        intent = rules.agreed_intent(pre_clause, root)
        location = self.location(verb)
        if location is None and root == "04":
            location = self.places.carried({s.code for s in sources if s.code})
        if len(sources) > 1 and (root in _RECIPROCAL_ROOTS or verb.surface.startswith(
                _RECIPROCAL_19)) and (not targets or (
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
            if base[:2] in ("18", "19") and (source.person or source.role in _CIVIL_ROLES) \
                    and any(w in verb.surface for w in _VERBAL_WHEN_PERSON):
                code = "111"
            for target in targets or [None]:
                if target is not None and not rules.may_target(source, target):
                    continue
                event = self.build_event(verb, code, status, source, target, location,
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
        if (root in _RESPONSE_ROOTS or entry.code == "012") and not verb.surface.startswith(
                "accus") and rules.takes_act_object(verb, self.lowered) and (
                root != "13" or entry.code == "138" or verb.surface.startswith("threat")):
            # Only threats of force answer an act; "warned that ..." is often a forecast.
            author = rules.author_of_last_act(source, self.history)
            return [author] if author is not None else []
        if (root in ("14", "17") or (root in ("18", "19") and source.role in _NON_STATE)) \
                and source.country and not source.org:
            # "Security forces detained nearly 10,000 people": domestic coercion; "protesters
            # vowed to continue demonstrations": protest at home is aimed at home.
            return [rules.stand_in(verb, country_name(source.country) or source.country,
                                   source.country)]
        return []
