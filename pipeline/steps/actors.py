"""Actor recognition: dictionary matches merged into actor phrases, then resolved.

A phrase is a run of adjacent dictionary hits that name one actor, e.g. "Israeli" + "Prime
Minister" + (Benjamin) + "Netanyahu" -> ISRGOV, or "Qatar's" + "Foreign Ministry" -> QATGOV.
Resolution then fills phrases that carry no country: pronouns and bare titles take the current
topic (the first person named in the sentence, else in the last sentence that named one),
members of a coordinated list take their neighbour's country, and remaining bare government
nouns ("the coalition", "the government") take the article's dominant country.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

import ahocorasick

from pipeline.steps.countries import countries
from pipeline.steps.lexicon import build_automaton, iter_matches, load_data

# Kinds of dictionary entry.
COUNTRY, DEMONYM, PERSON, ORG, INST, TITLE, GROUP, PRONOUN, PLACE = (
    "COUNTRY", "DEMONYM", "PERSON", "ORG", "INST", "TITLE", "GROUP", "PRONOUN", "PLACE")
# Group nouns that may be the target of an event by their own side (a minister quitting the
# coalition is ISRGOV -> ISRGOV).
SELF_TARGET_HEADS = frozenset({"coalition", "government", "cabinet", "parliament", "administration",
                               "regime", "party", "leadership"})
# Roles a bare noun may take the article's dominant country for.
_FALLBACK_ROLES = frozenset({"GOV", "LEG", "MIL", "COP", "JUD", "OPP"})
_NOT_ACRONYMS = frozenset({"duma"})
_POSSESSIVE_PRONOUNS = frozenset({"his", "her"})

_CITY_LOCATIVE = re.compile(
    r"\b(?:in|at|near|to|from|for|into|inside|outside|via|toward|towards|across|around|over)"
    r"\s+(?:the\s+)?$")
_COUNTRY_LOCATIVE = re.compile(
    r"\b(?:in|at|near|inside|outside|across|throughout|within|around)\s+(?:the\s+)?$")
_GAP_SPACE = re.compile(r"^\s+$")
_GAP_POSSESSIVE = re.compile(r"^'s?\s+$")
_GAP_NAME = re.compile(r"\s+(?:[A-Z][\w.'\u2019-]*\s+){1,3}$")
_NAME_AFTER = re.compile(r"\s+((?:[A-Z][a-z][\w'-]*)(?:\s+[A-Z][a-z][\w'-]*){0,2})")
_COORD_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s+as well as\s+)$")


@dataclass(frozen=True, slots=True)
class Place:
    """A known place: display name, country and coordinates."""

    name: str
    country: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One dictionary entry for an actor surface form."""

    kind: str
    country: str | None = None
    role: str | None = None
    org: str | None = None
    place: Place | None = None
    capital: bool = False
    acronym: bool = False


@dataclass(slots=True)
class Phrase:
    """An actor (or place) phrase in the body; offsets are body offsets."""

    start: int
    end: int
    text: str
    kinds: set[str] = field(default_factory=set)
    country: str | None = None
    role: str | None = None
    org: str | None = None
    place: Place | None = None
    person: bool = False
    title: str | None = None
    head: str = ""
    locative: bool = False
    how: str = "explicit"

    @property
    def code(self) -> str | None:
        """Combined CAMEO-style actor code (org, else country + role), None if unresolved."""
        if self.org:
            return self.org
        if self.country:
            return self.country + (self.role or "")
        return None

    @property
    def is_actor(self) -> bool:
        return not self.locative and self.code is not None


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    data = load_data("actors.json")
    places = load_data("places.json")["places"]
    entries: list[tuple[str, Entry]] = []
    # Order matters only for duplicate keys: first wins (organisations before countries so
    # "Palestinian Authority" stays an institution, persons before places, ...).
    for key, (code, country, role) in data["organisations"].items():
        entries.append((key, Entry(ORG, country, role, code, acronym=_is_acronym(key))))
    for key, (country, role) in data["institutions"].items():
        place = None
        if key in places:
            name, pcountry, lat, lon, _capital = places[key]
            place = Place(name, pcountry, lat, lon)
        entries.append((key, Entry(INST, country, role, place=place, acronym=_is_acronym(key))))
    for key, (country, role) in data["persons"].items():
        if country and len(country) == 3 and country in countries():
            entries.append((key, Entry(PERSON, country, role)))
        else:  # an international organisation's officer
            entries.append((key, Entry(PERSON, None, None, org=country)))
    for country in countries().values():
        for name in country.names:
            entries.append((name.lower(), Entry(COUNTRY, country.code,
                                                acronym=name.replace(".", "").isupper())))
        for demonym in country.demonyms:
            entries.append((demonym.lower(), Entry(DEMONYM, country.code)))
    for key, (name, pcountry, lat, lon, capital) in places.items():
        entries.append((key, Entry(PLACE, pcountry, place=Place(name, pcountry, lat, lon),
                                   capital=bool(capital))))
    for key, role in data["titles"].items():
        entries.append((key, Entry(TITLE, role=role)))
    for key, role in data["groups"].items():
        entries.append((key, Entry(GROUP, role=role)))
    for key in data["pronouns"]:
        entries.append((key, Entry(PRONOUN)))
    return build_automaton(entries)


def _is_acronym(key: str) -> bool:
    return len(key) <= 4 and key not in _NOT_ACRONYMS


def _surface_ok(entry: Entry, surface: str) -> bool:
    """Proper names must be capitalised in the text; acronyms fully upper-case ("US", not the
    pronoun "us"; "WHO", not "who")."""
    if entry.kind in (TITLE, GROUP, PRONOUN):
        return True
    if entry.acronym:
        return surface.replace(".", "").isupper()
    return surface[:1].isupper()


def _new_phrase(body: str, lowered: str, start: int, end: int, entry: Entry) -> Phrase:
    phrase = Phrase(start, end, body[start:end], {entry.kind}, head=lowered[start:end])
    _absorb(phrase, lowered, start, end, entry)
    before = lowered[max(0, start - 14):start]
    if entry.kind in (PLACE, INST) and entry.place is not None:
        phrase.locative = bool(_CITY_LOCATIVE.search(before))
        if entry.kind == PLACE and not entry.capital:
            phrase.locative = True  # non-capital cities only ever locate events
    elif entry.kind == COUNTRY:
        phrase.locative = bool(_COUNTRY_LOCATIVE.search(before))
    return phrase


def _absorb(phrase: Phrase, lowered: str, start: int, end: int, entry: Entry) -> None:
    """Fold one entry's attributes into a phrase."""
    if entry.country and not phrase.country:
        phrase.country = entry.country
    if entry.org and not phrase.org:
        phrase.org = entry.org
    if entry.place and not phrase.place:
        phrase.place = entry.place
    if entry.kind == PLACE and entry.capital:
        phrase.role = phrase.role or "GOV"  # a capital standing for its government
    # An institution or title says more about the role than a person's usual office.
    if entry.role and (entry.kind in (INST, TITLE) or phrase.role is None):
        phrase.role = entry.role
    if entry.kind in (PERSON, TITLE):
        phrase.person = True
    if entry.kind == TITLE:
        phrase.title = lowered[start:end]
    phrase.kinds.add(entry.kind)
    phrase.head = lowered[start:end]


def _can_merge(phrase: Phrase, gap: str, body: str, start: int, entry: Entry) -> bool:
    """Whether `entry`, found at `start` after `gap` (normalised text), continues `phrase`."""
    if PRONOUN in phrase.kinds or entry.kind in (PRONOUN, PLACE):
        return False
    if entry.country and phrase.country and entry.country != phrase.country:
        return False
    if entry.kind in (COUNTRY, DEMONYM) and (phrase.country or phrase.org):
        return False
    if _GAP_SPACE.match(gap):
        return not (entry.kind == PERSON and PERSON in phrase.kinds)
    if _GAP_POSSESSIVE.match(gap):
        return entry.kind in (TITLE, GROUP, INST) and PERSON not in phrase.kinds
    if gap[:1].isspace() and _GAP_NAME.match(body, phrase.end, start):
        return entry.kind == PERSON and PERSON not in phrase.kinds
    return False


def find_phrases(body: str, lowered: str, bounded: str) -> list[Phrase]:
    """All actor and place phrases in the body, in order, before resolution.

    `lowered` is `normalise(body)` and `bounded` is `boundary_text(lowered)`."""
    phrases: list[Phrase] = []
    current: Phrase | None = None
    for start, end, entry in iter_matches(_automaton(), bounded):
        assert isinstance(entry, Entry)  # noqa: S101 - automaton payloads are Entries
        if not _surface_ok(entry, body[start:end]):
            continue
        if current is not None and _can_merge(current, lowered[current.end:start],
                                              body, start, entry):
            _absorb(current, lowered, start, end, entry)
            current.end = end
            current.text = body[current.start:end]
            continue
        if current is not None:
            phrases.append(current)
        current = _new_phrase(body, lowered, start, end, entry)
    if current is not None:
        phrases.append(current)
    for phrase in phrases:
        if phrase.kinds == {TITLE}:
            # "Finance Minister Bezalel Smotrich": an unknown name after a title is the person.
            m = _NAME_AFTER.match(body, phrase.end)
            if m:
                phrase.end = m.end()
                phrase.text = body[phrase.start:phrase.end]
    return phrases


def _dominant_country(phrases: list[Phrase]) -> str | None:
    counts = Counter(p.country for p in phrases
                     if p.country and p.how == "explicit" and PLACE not in p.kinds)
    if not counts:
        return None
    (best, n), *rest = counts.most_common(2)
    if n < 2 or (rest and rest[0][1] == n):
        return None
    return best


def _copy_identity(phrase: Phrase, source: Phrase, how: str) -> None:
    phrase.country, phrase.org = source.country, source.org
    phrase.role = source.role if (phrase.role is None or phrase.person) else phrase.role
    phrase.person = phrase.person or source.person
    phrase.how = how


def resolve(phrases: list[Phrase], sentence_of: list[int], lowered: str) -> None:
    """Resolve pronouns, bare titles, list members and bare group nouns in place.

    `sentence_of[i]` is the sentence index of `phrases[i]`.
    """
    topic: Phrase | None = None
    first_person: Phrase | None = None
    current_sentence = -1
    by_title: dict[str, Phrase] = {}
    previous: Phrase | None = None
    for phrase, sentence in zip(phrases, sentence_of, strict=True):
        if sentence != current_sentence:
            if first_person is not None:
                topic = first_person
            first_person, current_sentence, previous = None, sentence, None
        if PRONOUN in phrase.kinds:
            antecedent = first_person or topic
            if antecedent is not None:
                _copy_identity(phrase, antecedent, "pronoun")
        elif phrase.code is None and phrase.kinds == {TITLE}:
            antecedent = by_title.get(phrase.title or "")
            definite = lowered[max(0, phrase.start - 4):phrase.start] == "the "
            if antecedent is not None and definite:
                _copy_identity(phrase, antecedent, "pronoun")
        if (phrase.code is None and previous is not None and previous.country
                and _COORD_GAP.match(lowered[previous.end:phrase.start])):
            phrase.country = previous.country
            phrase.how = "sibling"
        if phrase.person and phrase.code and PRONOUN not in phrase.kinds:
            if first_person is None:
                first_person = phrase
            if phrase.title:
                by_title[phrase.title] = phrase
        if not phrase.locative:
            previous = phrase
    dominant = _dominant_country(phrases)
    if dominant:
        for phrase in phrases:
            if phrase.code is None and phrase.role in _FALLBACK_ROLES and not phrase.org:
                phrase.country = dominant
                phrase.how = "fallback"


def is_possessive_pronoun(phrase: Phrase) -> bool:
    """True for "his"/"her": usable as a subject ("his office said"), never as a target."""
    return PRONOUN in phrase.kinds and phrase.head in _POSSESSIVE_PRONOUNS
