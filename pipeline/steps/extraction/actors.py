"""Actor recognition: dictionary matches merged into actor phrases.

A phrase is a run of adjacent dictionary hits that name one actor, e.g. "Israeli" + "Prime
Minister" + (Benjamin) + "Netanyahu" -> ISRGOV, or "Qatar's" + "Foreign Ministry" -> QATGOV.
Phrases that carry no country yet (pronouns, bare titles, group nouns) are filled in later by
`coreference.resolve`. This module owns `Phrase`, the merge rules and the actor-kind constants
the other components test phrases against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.reference.actor_lexicon import (
    COUNTRY,
    DEMONYM,
    GROUP,
    INST,
    ORG,
    PERSON,
    PLACE,
    PRONOUN,
    TITLE,
    ActorEntry,
    DatedCodes,
    actor_automaton,
    code_on,
    office_surnames,
    split_code,
)
from pipeline.reference.gazetteer import Place, pick
from pipeline.reference.lexicon import iter_matches
from pipeline.steps.extraction.text import ArticleText

__all__ = ["COUNTRY", "DEMONYM", "GROUP", "INST", "ORG", "PERSON", "PLACE", "PRONOUN", "TITLE",
           "INSTRUMENT_HEADS", "SELF_TARGET_HEADS", "Phrase", "find_phrases",
           "is_possessive_pronoun"]

# Weapons stand for the force that uses them ("Russian missiles struck"); they are never the
# party an event is aimed at ("promised to send missiles to Ukraine").
INSTRUMENT_HEADS = frozenset({"missiles", "drones", "tanks", "artillery", "warplanes", "jets",
                              "fighter jets", "warships", "navy ships"})
# Group nouns that may be the target of an event by their own side (a minister quitting the
# coalition is ISRGOV -> ISRGOV).
SELF_TARGET_HEADS = frozenset({"coalition", "government", "cabinet", "parliament", "administration",
                               "regime", "party", "leadership"})
_POSSESSIVE_PRONOUNS = frozenset({"his", "her", "its", "their"})
_DIRECTION = r"(?:(?:north|south|east|west|central|north-east|north-west|south-east|south-west)" \
             r"(?:ern)?\s+)?"
_CITY_LOCATIVE = re.compile(
    r"\b(?:in|at|near|to|from|for|into|inside|outside|via|toward|towards|across|around|over|"
    r"outside of|visit|visited|visiting|visits|(?:north|south|east|west)(?:-?(?:east|west))?"
    r"\s+of|most of|much of|parts? of|outskirts of|control of|captured?|seized?|retook|"
    r"recaptured?|overran|shelled|bombed|entered)\s+(?:the\s+)?" + _DIRECTION + "$")
_COUNTRY_LOCATIVE = re.compile(
    r"\b(?:in|at|near|inside|outside|across|throughout|within|around)\s+(?:the\s+)?"
    + _DIRECTION + "$")
_LOCATIVE_WINDOW = 40
_GAP_SPACE = re.compile(r"^\s+$")
GOVERNMENTS = frozenset({"administration", "government", "regime", "cabinet"})
_NAME_BEFORE = re.compile(r"\b([A-Z][a-z]{2,})\s+$")
_GAP_POSSESSIVE_WORDS = re.compile(r"^['\u2019]s\s+((?:[a-z][a-z-]+\s+){1,2})$")
_FUNCTION_WORDS = frozenset({"on", "of", "for", "the", "a", "an", "to", "with", "against", "by",
                             "at", "in", "and", "or", "from", "about", "over", "as", "that"})
_GAP_STOP = re.compile(r"^\.\s+$")
_DOTTED = re.compile(r"(?:^|\s)(?:[A-Za-z]\.)+[A-Za-z]$")  # U.S, U.K, U.N
_GAP_POSSESSIVE = re.compile(r"^'s?\s+$")
# "Russian-led troops", "Iran-backed militias": the group belongs to the named country's side.
_GAP_LED = re.compile(r"^-(?:led|backed|allied|aligned|sponsored)\s+$")
_GAP_NAME = re.compile(r"\s+(?:[A-Z][\w.'\u2019-]*\s+){1,3}$")
_NAME_AFTER = re.compile(r"\s+((?:[A-Z][a-z][\w'-]*)(?:\s+[A-Z][a-z][\w'-]*){0,2})")
# A name may open with a lower-case Arabic article: "al Qaeda", "al-Shabaab", "el-Sisi".
_ARTICLE_NAME = re.compile(r"(?:al|el|ad|an|ar|as|ash|at|az)[-\s\u2019']+[A-Z]")
_COORD_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s+as well as\s+)$")
# A title word used as an adjective: "general election", "general strike", "general public".
_ADJECTIVAL_TITLE = re.compile(r"\s+(?:elections?|strikes?|public|assembly|council|practitioners?|"
                               r"consensus|debate|secretary|manager|interest|principles?|rule)\b")


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
    candidates: tuple[Place, ...] = ()
    roles: DatedCodes = ()  # a known person's dated offices

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
        # Same as `code is not None`, without building the code string (a hot path).
        return not self.locative and bool(self.org or self.country)


def _surface_ok(entry: ActorEntry, surface: str) -> bool:
    """Proper names must be capitalised in the text; acronyms fully upper-case ("US", not the
    pronoun "us"; "WHO", not "who")."""
    if entry.kind in (TITLE, GROUP, PRONOUN):
        return True
    if entry.acronym:
        return surface.replace(".", "").isupper()
    return surface[:1].isupper() or _ARTICLE_NAME.match(surface) is not None


def _place_usable(entry: ActorEntry, locative: bool, after_place: bool) -> bool:
    """Whether a gazetteer hit is read as a place at all. With 100,000 names many are also
    surnames or words ("Jackson", "Split"), so a small city counts only where the syntax says
    place: after a locative preposition, or listed right after another place ("in Kyiv and
    Kharkiv"). Capitals may also stand for their government ("Washington said")."""
    return locative or after_place or entry.capital or (entry.major and entry.place is not None
                                                        and entry.place.lat is not None)


def _new_phrase(body: str, lowered: str, start: int, end: int, entry: ActorEntry) -> Phrase:
    kind = entry.kind
    head = lowered[start:end]
    # The same attributes `_absorb` would fold into an empty phrase, set in one go.
    role = "GOV" if kind == PLACE and entry.capital else None
    phrase = Phrase(start, end, body[start:end], {kind}, entry.country, role or entry.role,
                    entry.org, entry.place, kind in (PERSON, TITLE),
                    head if kind == TITLE else None, head, candidates=entry.candidates,
                    roles=entry.roles)
    if kind in (PRONOUN, GROUP):
        return phrase
    if entry.kind == PLACE and not entry.capital:
        phrase.locative = True  # non-capital places only ever locate events
    elif entry.kind in (PLACE, INST) and entry.place is not None:
        phrase.locative = bool(_CITY_LOCATIVE.search(lowered[max(0, start - _LOCATIVE_WINDOW):
                                                              start]))
    elif entry.kind == COUNTRY:
        phrase.locative = bool(_COUNTRY_LOCATIVE.search(lowered[max(0, start - _LOCATIVE_WINDOW):
                                                                start]))
    return phrase


def _absorb(phrase: Phrase, lowered: str, start: int, end: int, entry: ActorEntry) -> None:
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
    if entry.roles and not phrase.roles:
        phrase.roles = entry.roles
    if entry.kind == TITLE:
        phrase.title = lowered[start:end]
    phrase.kinds.add(entry.kind)
    phrase.head = lowered[start:end]


def _can_merge(phrase: Phrase, gap: str, body: str, start: int, entry: ActorEntry) -> bool:
    """Whether `entry`, found at `start` after `gap` (normalised text), continues `phrase`."""
    if PRONOUN in phrase.kinds or entry.kind in (PRONOUN, PLACE):
        return False
    if entry.country and phrase.country and entry.country != phrase.country:
        return False
    if entry.kind in (COUNTRY, DEMONYM) and (phrase.country or phrase.org):
        return False
    if _GAP_SPACE.match(gap) or (_GAP_STOP.match(gap) and _DOTTED.search(phrase.text)):
        # "U.S. officials": the dictionary's "U.S" leaves its last stop in the gap.
        return not (entry.kind == PERSON and PERSON in phrase.kinds)
    if _GAP_LED.match(gap):
        return entry.kind == GROUP and not phrase.person
    if _GAP_POSSESSIVE.match(gap):
        return entry.kind in (TITLE, GROUP, INST) and PERSON not in phrase.kinds
    found = _GAP_POSSESSIVE_WORDS.match(gap)
    if found and not any(w in _FUNCTION_WORDS for w in found.group(1).split()):
        # "Russia's deputy ambassador", "Iran's top diplomat": a title behind its modifiers.
        return entry.kind == TITLE and PERSON not in phrase.kinds and phrase.country is not None
    if gap[:1].isspace() and _GAP_NAME.match(body, phrase.end, start):
        return entry.kind == PERSON and PERSON not in phrase.kinds
    return False


def find_phrases(text: ArticleText,
                 hits: Iterable[tuple[int, int, object]] | None = None) -> list[Phrase]:
    """All actor and place phrases in the body, in order, before resolution; `hits` are the
    actor-dictionary hits when already scanned (see `scan`)."""
    body, lowered = text.body, text.lowered
    phrases: list[Phrase] = []
    current: Phrase | None = None
    entry: ActorEntry
    if hits is None:
        hits = iter_matches(actor_automaton(), text.bounded)
    for start, end, entry in hits:  # type: ignore[assignment]
        kind = entry.kind
        if kind == TITLE:
            if body[start].islower() and _ADJECTIVAL_TITLE.match(lowered, end):
                continue
        elif kind not in (GROUP, PRONOUN) and not _surface_ok(entry, body[start:end]):
            continue
        # Cheap tests first: capitals and major cities need no look at the words before them.
        if kind == PLACE and not (entry.capital or (
                entry.major and entry.place is not None and entry.place.lat is not None)) \
                and not _place_usable(
                entry, bool(_CITY_LOCATIVE.search(lowered, max(0, start - _LOCATIVE_WINDOW),
                                                  start)),
                current is not None and PLACE in current.kinds
                and bool(_COORD_GAP.match(lowered[current.end:start]))):
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
    mentioned = {p.country for p in phrases if p.country and p.kinds & {COUNTRY, DEMONYM}}
    for phrase in phrases:
        if len(phrase.candidates) > 1:
            # "Tripoli" in an article about Lebanon is Lebanon's Tripoli.
            phrase.place = pick(phrase.candidates, mentioned)
            phrase.country = phrase.place.country
        if TITLE in phrase.kinds and PERSON not in phrase.kinds \
                and lowered[phrase.end - len(phrase.title or ""):phrase.end] == phrase.title:
            # "Finance Minister Bezalel Smotrich", "Mexican Foreign Minister Marcelo Ebrard":
            # an unknown name right after the title is the person.
            m = _NAME_AFTER.match(body, phrase.end)
            if m:
                phrase.end = m.end()
                phrase.text = body[phrase.start:phrase.end]
                if not (phrase.country or phrase.org):
                    _known_surname(phrase, m.group(1))
        elif phrase.head in GOVERNMENTS and not (phrase.country or phrase.org):
            _leaders_government(phrase, body)
    return phrases


def _leaders_government(phrase: Phrase, body: str) -> None:
    """An office holder's surname before a government noun names that country's government,
    in office or not: "the Obama administration", "the Abe government"."""
    m = _NAME_BEFORE.search(body, max(0, phrase.start - 40), phrase.start)
    entry = office_surnames().get(m.group(1).lower()) if m else None
    if m is None or entry is None or entry.country is None or not any(
            code.endswith("GOV") for code, _, _ in entry.roles):
        return
    # The leader's offices stay with it: a later bare "Obama" is that person (coreference).
    phrase.country, phrase.role, phrase.roles = entry.country, "GOV", entry.roles
    phrase.start = m.start(1)
    phrase.text = body[phrase.start:phrase.end]


def date_offices(phrases: list[Phrase], day: str) -> list[Phrase]:
    """A known person named without a title is coded by the office held on the article's day
    (ISO date): "Donald Tusk" in 2019 is the EU's, in 2010 Poland's government; out of office,
    their country alone. Done before coreference, so a later "he" is the same actor."""
    for phrase in phrases:
        if phrase.roles and phrase.role is None and not phrase.org:
            held = code_on(phrase.roles, day)
            if held is not None:
                phrase.country, phrase.role, phrase.org = split_code(held)
    return phrases


def _known_surname(phrase: Phrase, name: str) -> None:
    """"President Obama", "Secretary Kerry": a title and the surname of an office holder of one
    country is that person, with the offices they held (`office_surnames`)."""
    entry = office_surnames().get(name.split()[-1].lower())
    if entry is not None:
        phrase.country, phrase.org, phrase.roles = entry.country, entry.org, entry.roles
        phrase.kinds.add(PERSON)


def is_possessive_pronoun(phrase: Phrase) -> bool:
    """True for "his"/"her"/"its": usable as a subject ("his office said"), never as a target."""
    return PRONOUN in phrase.kinds and phrase.head in _POSSESSIVE_PRONOUNS
