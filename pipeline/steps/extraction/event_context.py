"""Event coding of one sentence: its verb hits in, `ExtractedEvent` records out.

Roles: source = nearest actor before the verb (with actors coordinated with it), target = first
actor after it before the next verb; passives swap the roles. When the sentence names no other
party, the story supplies it: the place's country for visits and attacks, the author of the last
reported act for responses ("Seoul condemned the launch"), the source's own country for
domestic coercion ("Security forces detained 10,000 people").

Details: location (the sentence's place, else where the article last put the source: see
`place_memory`), date, quantity and a confidence score, read from the same sentence.

`EventContext` holds what lasts for the article (actor records, place memory, the events so far);
`Sentence` holds what is read from the sentence being coded, once. Records are built with
`model_construct`: every input is already valid by construction (codes come from the lexicons,
countries from the gazetteer), and validating each nested model again cost a fifth of the
extraction time on event-dense text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from pipeline.reference import cameo
from pipeline.reference.actor_lexicon import code_on, split_code
from pipeline.reference.countries import country_name
from pipeline.steps.extraction import embedding
from pipeline.steps.extraction import event_rules as rules
from pipeline.steps.extraction.actors import INSTRUMENT_HEADS, Phrase, is_possessive_pronoun
from pipeline.steps.extraction.place_memory import PlaceMemory
from pipeline.steps.extraction.temporal import DateRef, find_dates, status_of
from pipeline.steps.extraction.text import ArticleText
from pipeline.steps.extraction.verbs import SentenceWords, VerbEntry, VerbMatch, choose_entry
from schemas.records import Actor, Evidence, ExtractedEvent, Location

# Hits that are verbal attacks when a politician, not an armed force, does them.
_VERBAL_WHEN_PERSON = ("attack", "blast", "assault on", "clash")
_CIVIL_ROLES = frozenset({"GOV", "LEG", "JUD"})
_RECIPROCAL_ROOTS = frozenset({cameo.CONSULT, cameo.DIPLOMATIC_COOPERATION,
                               cameo.MATERIAL_COOPERATION, cameo.YIELD})
_RECIPROCAL_FIGHT = ("clash", "exchang", "trade fire", "traded fire", "trading fire")
# "India and Pakistan accused each other": any act of two subjects on "each other".
_EACH_OTHER = re.compile(r"\b(?:each others?|one another)\b")
_EACH_OTHER_SPAN = 80
_PLACE_TARGET_ROOTS = frozenset({cameo.INTENT_TO_COOPERATE, cameo.CONSULT, cameo.PROVIDE_AID,
                                 cameo.FORCE_POSTURE, cameo.REDUCE_RELATIONS, cameo.ASSAULT,
                                 cameo.FIGHT, cameo.MASS_VIOLENCE})
# Of the consultations, only going somewhere (visit, host, send envoys) targets the place:
# "leaders meeting in Vilnius" do not meet Lithuania.
_PLACE_TARGET_CONSULTATIONS = (cameo.MAKE_VISIT, cameo.HOST_VISIT, cameo.NEGOTIATION)
# Responses to an act: their other party is whoever did the act.
_RESPONSE_ROOTS = frozenset({cameo.DISAPPROVE, cameo.REJECT, cameo.THREATEN})
# Responses to an act whatever their root: a pessimistic comment, praise ("praised the move").
_RESPONSE_CODES = frozenset({cameo.PESSIMISTIC_COMMENT, cameo.PRAISE_OR_ENDORSE})
_HOME_ROOTS = frozenset({cameo.PROTEST, cameo.COERCE})  # aimed at home without a named target
_VIOLENT_ROOTS = frozenset({cameo.ASSAULT, cameo.FIGHT})
_NOMINAL_TARGET_GAP = 40
_UNARMED_ROLES = frozenset({"CRM", "OPP", "CVL", "LAB", "EDU"})
# Non-state attackers with no named victim attack their own country ("gunmen abducted pupils").
_NON_STATE = frozenset({"CRM", "REB", "CVL", "OPP"})
_QUANTITY_ROOTS = frozenset({cameo.YIELD, cameo.PROTEST, cameo.FORCE_POSTURE, cameo.COERCE,
                             cameo.ASSAULT, cameo.FIGHT, cameo.MASS_VIOLENCE})
# A threat is dated as the act of making it: "threatened Iran in a tweet on Sunday" is last
# Sunday (read forwards, the coming one; dev dates 0.59 -> 0.60).
_FUTURE = frozenset({"planned", "expected", "conditional"})
_TARGET_DATE_WINDOW = 24
_QUANTITY = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+)(?:\s+(million|thousand))?\s+(?:[a-z-]+\s+){0,2}?"
    r"(hostages|prisoners|detainees|captives|people|civilians|soldiers|troops|protesters|"
    r"demonstrators|militants|rebels|fighters|police|officers|policemen|residents|refugees|"
    r"migrants|children|women|men|workers|students|palestinians|israelis|journalists|"
    r"activists|members|suspects|bodies|deaths|dead|casualties|troop)\b")
# (sources, targets, source inferred from a passive, subject shared with the previous verb)
Roles = tuple[list[Phrase], list[Phrase], bool, bool]
Chosen = list[tuple[VerbMatch, VerbEntry]]


@dataclass(slots=True)
class Sentence:
    """The sentence being coded and what the rules read from it (dates at most once)."""

    text: ArticleText
    start: int
    end: int
    phrases: Sequence[Phrase]
    lower: str  # the normalised sentence
    # Where a trailing attribution (", the army said on Monday.") starts, else `end`: its
    # actors and dates report the event, they are not part of it.
    cut: int
    spans: list[embedding.Complement]  # requested, alleged and forecast clauses
    modifiers: set[int]  # ids of actors that are the agent of a modifier ("backed by Rwanda")
    published: date
    _dates: dict[bool, list[DateRef]] = field(default_factory=dict, init=False, repr=False)
    _evidence: Evidence | None = field(default=None, init=False, repr=False)

    def dates(self, future: bool) -> list[DateRef]:
        """The sentence's dates, bare weekdays read forwards when `future`."""
        if future not in self._dates:
            self._dates[future] = find_dates(self.lower, self.start, self.published, future)
        return self._dates[future]

    def evidence(self) -> Evidence:
        """The evidence record of the sentence's events (one, shared)."""
        if self._evidence is None:
            self._evidence = Evidence.model_construct(
                sentence=self.text.body[self.start:self.end], start=self.start, end=self.end)
        return self._evidence


class EventContext:
    """What event coding keeps across an article's sentences."""

    def __init__(self, text: ArticleText, published: date,
                 triggers: Sequence[int] | None = None) -> None:
        self.text, self.published = text, published
        self.actor_cache: dict[int, Actor] = {}
        # Starts of words that may open an embedded clause; None: unknown, test every sentence.
        self.triggers = triggers
        self.places = PlaceMemory()
        # (source, target) of every event so far, for responses in later sentences.
        self.history: list[tuple[Phrase, Phrase | None]] = []

    def events_for(self, start: int, end: int, phrases: Sequence[Phrase],
                   verbs: Sequence[VerbMatch]) -> list[ExtractedEvent]:
        """The events of the sentence [start, end), given its phrases and verb hits."""
        prepared = self._sentence(start, end, phrases, verbs)
        if prepared is None:
            return []
        sentence, chosen, actors = prepared
        lowered = self.text.lowered
        out: list[ExtractedEvent] = []
        earlier: set[tuple[str, ...]] = set()
        previous: tuple[VerbMatch, list[Phrase]] | None = None
        for i, (verb, entry) in enumerate(chosen):
            window_end = object_window_end(sentence,
                                           chosen[i + 1][0] if i + 1 < len(chosen) else None)
            shared = previous[1] if previous and rules.shares_subject(
                verb, lowered, previous[0].end) else None
            roles = window_roles(sentence, verb, actors, window_end, shared)
            if roles is None:
                continue
            previous = (verb, roles[0])
            produced = self._events_for_verb(sentence, verb, entry, roles, earlier)
            for event, source, target in produced:
                earlier.add(self.repeat_key(event))
                if event.status != "negated":  # an act that did not happen answers nothing
                    self.history.append((source, target))
                out.append(event)
        return out

    def adjectival(self, verb: VerbMatch, sentence_start: int) -> bool:
        """Whether a hit is a participle or noun that names no event (`rules.is_adjectival`);
        the clause engine overrides it with what the parse says."""
        return rules.is_adjectival(verb, self.text.lowered, sentence_start)

    def embedded_kept(self, spans: list[embedding.Complement], verb: VerbMatch,
                      entry: VerbEntry) -> bool:
        """Whether a hit inside a requested, alleged or forecast clause is still an event
        (`embedding.keeps`); the clause engine also keeps what a claim reports."""
        return embedding.keeps(spans, verb, entry.code[:2])

    def _sentence(self, start: int, end: int, phrases: Sequence[Phrase],
                  verbs: Sequence[VerbMatch]) -> tuple[Sentence, Chosen, list[Phrase]] | None:
        """The sentence, the verb hits that may be events (with their lexicon entries) and
        the actors that may fill their roles; None when there are no hits or no actors."""
        text = self.text
        lowered = text.lowered
        lower = lowered[start:end]
        words = SentenceWords(text, start, end, lower)
        chosen = [(v, e) for v in verbs if (e := choose_entry(v, words)) is not None
                  and not self.adjectival(v, start)]
        if not chosen:
            return None
        chosen = [(v, e) for i, (v, e) in enumerate(chosen)
                  if not (i and rules.is_consequence(v, e, lowered))]
        found = rules.attribution_start(lower)
        cut = start + found if found is not None else end
        chosen = [(v, e) for v, e in chosen if v.start < cut]
        # Acts only requested, ordered or forecast are not events (see `embedding`).
        spans = embedding.complements(lower, text.body[start:end], start) if (
            self.triggers is None or embedding.any_between(self.triggers, start, end)
        ) else []
        if spans:
            chosen = [(v, e) for v, e in chosen if self.embedded_kept(spans, v, e)]
        if not chosen:
            return None
        found = self._with_actors(start, end, phrases, lower, cut, spans)
        return (found[0], chosen, found[1]) if found is not None else None

    def plain_sentence(self, start: int, end: int, phrases: Sequence[Phrase],
                       ) -> tuple[Sentence, Chosen, list[Phrase]] | None:
        """The sentence as `_sentence` prepares it, with no verb hits (for events the parse
        finds without the lexicon); None when it has no actors."""
        lower = self.text.lowered[start:end]
        found = rules.attribution_start(lower)
        cut = start + found if found is not None else end
        prepared = self._with_actors(start, end, phrases, lower, cut, [])
        return (prepared[0], [], prepared[1]) if prepared is not None else None

    def _with_actors(self, start: int, end: int, phrases: Sequence[Phrase], lower: str,
                     cut: int, spans: list[embedding.Complement],
                     ) -> tuple[Sentence, list[Phrase]] | None:
        actors = [p for p in phrases if p.is_actor and p.start < cut]
        if not actors:
            return None
        # The agent of a modifier ("rebels backed by Rwanda") is never a subject.
        modifiers = {id(p) for p in actors if rules.is_modifier_agent(p, self.text.lowered)}
        return Sentence(self.text, start, end, phrases, lower, cut, spans, modifiers,
                        self.published), actors

    def _events_for_verb(self, sentence: Sentence, verb: VerbMatch, entry: VerbEntry,
                         roles: Roles, earlier: set[tuple[str, ...]],
                         ) -> list[tuple[ExtractedEvent, Phrase, Phrase | None]]:
        lowered = self.text.lowered
        sources, targets, inferred_source, shared = roles
        root = entry.code[:2]
        nominal = rules.noun_like(verb, sentence.phrases, lowered)
        sources = rules.usable_sources(sources, root, nominal, shared)
        if not sources or rules.nominal_by(verb, lowered):
            return []
        targets = rules.foreign_or_domestic(sources[0], [
            t for t in targets if rules.may_target(sources[0], t)], root)
        if (nominal or (entry.intransitive and not targets)) and not shared \
                and not rules.close_subject(sources[-1], verb, lowered):
            # An event noun ("talks") or a bare protest needs its actor right there: "Italy
            # and Germany favour an early start to talks" is not Italy holding talks.
            return []
        if nominal and not self.objects_parsed:  # the parse says which object it is
            targets = [t for t in targets if t.start - verb.end <= _NOMINAL_TARGET_GAP]
        pre_clause = lowered[rules.clause_start(lowered, sentence.start, verb.start):verb.start]
        status = status_of(pre_clause, root)
        intent = rules.agreed_intent(pre_clause, root)
        location = self.location_of(sentence, verb)
        # The window's place stands for an unnamed other party ("visited Doha", "fired
        # missiles at U.S. bases"), whichever place the event's location was read from.
        place = _location(sentence, verb) if self.parse_located else location
        if root == cameo.CONSULT and (location is None or place is None):
            carried = self.places.carried({s.code for s in sources if s.code})
            location, place = location or carried, place or carried
        if len(sources) > 1 and (root in _RECIPROCAL_ROOTS or verb.surface.startswith(
                _RECIPROCAL_FIGHT) or _EACH_OTHER.search(
                lowered, verb.end, min(sentence.cut, verb.end + _EACH_OTHER_SPAN))) and (
                not targets or (
                not self.objects_parsed and targets[0].start > verb.end
                and " with " not in lowered[verb.end:targets[0].start])):
            # "Canada and Mexico signed an agreement" (each with the other); a later actor is
            # no partner unless "with" introduces it ("... to form a unity government").
            targets = sources
        if not targets:
            targets = self._implicit_targets(verb, entry, sources[0], place)
            if targets and targets[0].how == "location" and location is None:
                location = place  # the party's place is where it happened, none other said
        if not targets and not entry.intransitive:
            return []
        base = entry.target_code if targets and entry.target_code else entry.code
        if intent:
            base, status = cameo.INTENT_TO_COOPERATE_UNSPECIFIED, "actual"
        events = []
        for source in sources:
            if not source.code or self.repeated(earlier, source.code, base[:2], None):
                continue  # the window rules code one event per actor and root in a sentence
            code = base
            if base[:2] == cameo.FIGHT and source.role in _UNARMED_ROLES and not source.org:
                # Gangs and crowds do not wage war: their attacks are assaults and riots.
                code = cameo.UNCONVENTIONAL_VIOLENCE if source.role == "CRM" \
                    else cameo.PROTEST_VIOLENTLY
            if base[:2] in _VIOLENT_ROOTS and (source.person or source.role in _CIVIL_ROLES) \
                    and any(w in verb.surface for w in _VERBAL_WHEN_PERSON):
                code = cameo.CRITICIZE_OR_DENOUNCE
            for target in targets or [None]:
                if target is not None and not rules.may_target(source, target):
                    continue
                event = self._record(sentence, verb, code, status, source, target, location,
                                     inferred_source)
                if self.repeated(earlier, source.code, base[:2], event):
                    continue
                events.append((event, source, target))
        return events

    parse_located = False  # `location_of` reads the parse, not the window
    # The trigger's targets are its objects in the parse: "X and Y praised Z" is at Z, not
    # each at the other (a window target after the verb may be no party at all).
    objects_parsed = False

    def location_of(self, sentence: Sentence, verb: VerbMatch) -> Location | None:
        """Where a trigger's event happened (the window rule, `_location`)."""
        return _location(sentence, verb)

    def repeat_key(self, event: ExtractedEvent) -> tuple[str, ...]:
        """What the sentence remembers of a coded event (`repeated` reads it)."""
        return (event.source.code, event.root)

    def repeated(self, earlier: set[tuple[str, ...]], source: str, root: str,
                 event: ExtractedEvent | None) -> bool:
        """Whether an event (None: any event of this source and root) repeats an earlier
        one of its sentence: the window rules, which cannot tell one act's parties from
        another's, code one per source and root."""
        return (source, root) in earlier

    def _implicit_targets(self, verb: VerbMatch, entry: VerbEntry, source: Phrase,
                          location: Location | None) -> list[Phrase]:
        """The other party when the sentence names none (see the module docstring)."""
        root = entry.code[:2]
        place_ok = root in _PLACE_TARGET_ROOTS and (
            root != cameo.CONSULT or entry.code.startswith(_PLACE_TARGET_CONSULTATIONS))
        if place_ok and location is not None and location.country \
                and (location.country != source.country or source.org):
            # "visited Doha", "struck targets in northern Iraq".
            return [rules.stand_in(verb, location.name, location.country)]
        if (root in _RESPONSE_ROOTS or entry.code in _RESPONSE_CODES) \
                and not verb.surface.startswith("accus") \
                and rules.takes_act_object(verb, self.text.lowered) \
                and (root != cameo.THREATEN or entry.code == cameo.THREATEN_MILITARY_FORCE
                     or verb.surface.startswith("threat")):
            # Only threats of force answer an act; "warned that ..." is often a forecast.
            author = rules.author_of_last_act(source, self.history)
            return [author] if author is not None else []
        if (root in _HOME_ROOTS or (root in _VIOLENT_ROOTS and source.role in _NON_STATE)) \
                and source.country and not source.org:
            # "Security forces detained nearly 10,000 people": domestic coercion; "protesters
            # vowed to continue demonstrations": protest at home is aimed at home.
            return [rules.stand_in(verb, country_name(source.country) or source.country,
                                   source.country)]
        return []

    def _record(self, sentence: Sentence, verb: VerbMatch, code: str, status: str,
                source: Phrase, target: Phrase | None, location: Location | None,
                inferred_source: bool) -> ExtractedEvent:
        """The record of one event (validated inputs, so no re-validation)."""
        when = _event_date(sentence, verb, target, status in _FUTURE)
        if status == "expected" and when is not None and when.date_start == when.date_end \
                and when.date_start >= self.published:
            status = "planned"  # "is expected to meet X on Wednesday": a scheduled meeting
        return ExtractedEvent.model_construct(
            source=self._actor(source),
            target=self._actor(target) if target is not None else None,
            code=code, status=status, location=location,
            date_start=when.date_start if when else None,
            date_end=when.date_end if when else None,
            quantity=_quantity(sentence, verb) if code[:2] in _QUANTITY_ROOTS else None,
            evidence=sentence.evidence(),
            confidence=_confidence(verb, source, target, inferred_source),
        )

    def _actor(self, phrase: Phrase) -> Actor:
        """The actor record of a phrase, one per phrase and article."""
        if phrase.how == "location":
            # Stand-ins are made per event and may be freed: never cache by their id.
            return Actor.model_construct(text=phrase.text, code=phrase.code or "",
                                         country=phrase.country, role=None,
                                         organisation=None, country_name=None)
        cached = self.actor_cache.get(id(phrase))
        if cached is None:
            role, code = phrase.role, phrase.code or ""
            country, org = phrase.country, phrase.org
            if role is None and phrase.roles:
                # A known person: the office held on the article's day (dated roles).
                held = code_on(phrase.roles, self.published.isoformat())
                if held is not None:
                    country, role, org = split_code(held)
                    code = held if org else (country or "") + (role or "")
                elif country and not org:
                    code = country  # out of office: the person's country only
            cached = Actor.model_construct(text=phrase.text, code=code, country=country,
                                           role=role, organisation=org, country_name=None)
            self.actor_cache[id(phrase)] = cached
        return cached


# -- roles ----------------------------------------------------------------------------------------

def object_window_end(sentence: Sentence, nxt: VerbMatch | None) -> int:
    """Where a verb's object may end: at the next verb hit, or the sentence end."""
    if nxt is None:
        return sentence.end
    if nxt.nominal and any(p.start == nxt.start for p in sentence.phrases):
        return nxt.end  # "detained dozens of protesters": the noun is the object
    return nxt.start


def window_roles(sentence: Sentence, verb: VerbMatch, actors: list[Phrase], window_end: int,
           shared: list[Phrase] | None) -> Roles | None:
    """(sources, targets, source inferred, subject shared) for one verb, or None without a
    source."""
    lowered = sentence.text.lowered
    before = [p for p in actors if p.end <= verb.start and id(p) not in sentence.modifiers]
    after = [p for p in actors if p.start >= verb.end and not is_possessive_pronoun(p)
             and p.head not in INSTRUMENT_HEADS]
    if sentence.spans:
        embedded = embedding.speaker_roles(sentence.spans, verb, before, after, lowered)
        if embedded is not None:
            return embedded[0], embedded[1], False, True  # the speaker's own act
        span = embedding.of_trigger(sentence.spans, verb.start, verb.end)
        if span is not None and span.kind != embedding.CLAIM:
            # "urged Iran to ...": the addressee comes before the complement.
            after = embedding.addressees(span, after, lowered)
    by = rules.BY_AGENT.match(lowered, verb.end)
    passive = rules.is_passive_form(verb)
    if by and passive and after and after[0].start == by.end():
        # "a proposal rejected by Egypt, Jordan and ...": agents act on the clause subject.
        return rules.coordinated(after[0], after, lowered, True), before[:1], False, False
    if passive and before and rules.PASSIVE_AUX.search(
            lowered[max(sentence.start, verb.start - 30):verb.start]):
        # "33 Israeli hostages have been released": the subject is the patient.
        targets = rules.coordinated(before[-1], before, lowered, False)
        others = [p for p in after if p.code not in {t.code for t in targets}
                  and rules.may_be_agent(p, lowered)]
        return (others[:1], targets, True, False) if others else None
    described = rules.subject_before_appositive(before, verb, lowered)
    if shared:
        sources = shared
    elif described is not None:
        sources = [described]
    elif before:
        sources = rules.coordinated(before[-1], before, lowered, False)
    else:
        return None
    # The object is the first actor after the verb that is not the subject itself.
    window_end = rules.clause_end(lowered, verb.end, window_end,
                                  rules.clause_start(lowered, sentence.start, verb.start))
    in_window = [p for p in after if p.start < window_end and rules.may_target(sources[0], p)]
    targets = rules.coordinated(in_window[0], after, lowered, True) if in_window else []
    return sources, targets, False, bool(shared)


# -- details --------------------------------------------------------------------------------------

def places_of(sentence: Sentence) -> list[Phrase]:
    """The sentence's phrases that may say where an event happened."""
    return [p for p in sentence.phrases if p.locative or (p.place and not p.is_actor)]


def _location(sentence: Sentence, verb: VerbMatch) -> Location | None:
    """The first place after the verb in its sentence, else the sentence's last place."""
    places = places_of(sentence)
    if not places:
        return None
    after = [p for p in places if p.start >= verb.end]
    return location_at(after[0] if after else places[-1])


def location_at(chosen: Phrase) -> Location | None:
    """The location a place phrase names (a gazetteer place, else its country)."""
    if chosen.place is not None:
        place = chosen.place
        return Location.model_construct(name=place.name, country=place.country,
                                        lat=place.lat, lon=place.lon)
    if chosen.country:
        return Location.model_construct(name=country_name(chosen.country) or chosen.text,
                                        country=chosen.country, lat=None, lon=None)
    return None


def _event_date(sentence: Sentence, verb: VerbMatch, target: Phrase | None,
                future: bool) -> DateRef | None:
    """The date nearest the verb, or one right after its target; a date in a trailing
    attribution (", his office said on Monday") is when it was said, not the event's."""
    refs = [r for r in sentence.dates(future) if r.start < sentence.cut or r.start < verb.start]
    if not refs:
        return None
    if target is not None and target.how != "location":
        for ref in refs:
            if target.end <= ref.start <= target.end + _TARGET_DATE_WINDOW:
                return ref
    return min(refs, key=lambda r: min(abs(r.start - verb.end), abs(verb.start - r.end)))


def _quantity(sentence: Sentence, verb: VerbMatch) -> int | None:
    """The number of people nearest the verb ("arrested 1,200 protesters")."""
    best: tuple[int, int] | None = None
    for m in _QUANTITY.finditer(sentence.lower):
        start, end = sentence.start + m.start(), sentence.start + m.end()
        distance = min(abs(start - verb.end), abs(verb.start - end))
        value = int(m.group(1).replace(",", ""))
        if m.group(2):
            value *= 1_000_000 if m.group(2) == "million" else 1_000
        if best is None or distance < best[0]:
            best = (distance, value)
    return best[1] if best else None


def _confidence(verb: VerbMatch, source: Phrase, target: Phrase | None,
                inferred_source: bool) -> float:
    """A score from how the actors were found and how close the source is to the verb."""
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
