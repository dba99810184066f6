"""Actor resolution: fill in the phrases that name no country or organisation by themselves.

Pronouns and bare titles take the current topic (the first person named in the sentence, else
in the last sentence that named one); members of a coordinated list take their neighbour's
country; "the group" takes the armed group last named; "the two leaders" stands for the last
two actors named; a person's surname alone refers back to the full name given earlier; and
remaining bare group nouns take the country of the place their sentence is in, else the
article's dominant country.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from wordfreq import zipf_frequency

from pipeline.reference.actor_lexicon import FAMILY_FIRST_COUNTRIES, family_first_names
from pipeline.steps.extraction.actors import (
    GOVERNMENTS,
    PERSON,
    PLACE,
    PRONOUN,
    TITLE,
    Phrase,
)
from pipeline.steps.extraction.scan import actor_entry
from pipeline.steps.extraction.text import ArticleText

# Roles a bare noun may take the article's dominant country for. Armed groups, civilians and
# other non-state roles are left out: "militants" in an Israeli army statement are not Israeli.
_FALLBACK_ROLES = frozenset({"GOV", "LEG", "MIL", "COP", "JUD", "OPP"})
# "World leaders", "foreign ministers", "Western diplomats": no one country's.
_ABROAD = re.compile(r"\b(?:world|foreign|international|global|western|regional|other|"
                     r"arab|european|african|asian)\s+$")
# Roles of local actors, which may take the country of a place named in their own sentence
# ("gangs ... in Port-au-Prince"). Not officials: "a delegation to Doha" is not Qatar's.
_PLACE_ROLES = frozenset({"COP", "OPP", "REB", "CVL", "LAB", "MED", "EDU", "CRM"})
# Marker roles set by `actors.json` for phrases that only refer back.
PAIR, GROUP_REF = "PAIR", "ANA"
# Organisations that are never "the group" of a later sentence.
_INSTITUTIONAL = frozenset({
    "UN", "EU", "NATO", "AU", "ARABLEAGUE", "IMF", "WORLDBANK", "WTO", "OPEC", "ICRC",
    "AMNESTY", "HRW", "IAEA", "ASEAN", "ICC", "OSCE", "WHO", "ECOWAS", "G7", "G20", "INTERPOL",
    "SADC", "GCC", "BRICS", "UNRWA", "ICJ", "OAS", "COE", "OIC", "WFP", "UNHCR", "MSF",
})
_COORD_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s+as well as\s+)$")
_IN_GAP = re.compile(r"^\s+in\s+(?:the\s+)?$")
_SURNAME = re.compile(r"([A-Z][\w\u00c0-\u024f-]{2,})(?:'s?)?$")
_POSSESSIVE_AFTER = re.compile(r"'s?\s+")
# Words at least this frequent in English ("may" 6.0, "major" 5.3; "obama" 4.9).
_COMMON_ZIPF = 5.0
# An earlier actor counts for "the two leaders" only within this many sentences.
_PAIR_HORIZON = 1


def resolve(phrases: list[Phrase], text: ArticleText) -> list[Phrase]:
    """Resolve every phrase that names no actor by itself; returns the (possibly longer)
    phrase list in text order."""
    sentence_of = [bisect_right(text.starts, p.start) - 1 for p in phrases]
    _resolve_references(phrases, sentence_of, text.lowered)
    _inherit_place_country(phrases, text.lowered)
    _country_of_sentence_place(phrases, sentence_of)
    dominant = _dominant_country(phrases)
    if dominant:
        for phrase in phrases:
            if phrase.code is None and phrase.role in _FALLBACK_ROLES and not phrase.org \
                    and not _ABROAD.search(text.lowered, max(0, phrase.start - 16),
                                           phrase.start):
                phrase.country = dominant
                phrase.how = "fallback"
    phrases = _add_surnames(phrases, text.body)
    return _split_pairs(phrases, text.starts)


def _resolve_references(phrases: list[Phrase], sentence_of: list[int], lowered: str) -> None:
    topic: Phrase | None = None
    first_person: Phrase | None = None
    current_sentence = -1
    by_title: dict[str, Phrase] = {}
    previous: Phrase | None = None
    last_group: Phrase | None = None
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
        elif phrase.role == GROUP_REF:
            # "the group", "the militants' movement": the armed group last named.
            phrase.role = None
            if last_group is not None:
                _copy_identity(phrase, last_group, "pronoun")
        if (phrase.code is None and previous is not None and previous.country
                and _COORD_GAP.match(lowered[previous.end:phrase.start])):
            phrase.country = previous.country
            phrase.how = "sibling"
        if phrase.person and phrase.code and PRONOUN not in phrase.kinds:
            if first_person is None:
                first_person = phrase
            if phrase.title:
                by_title[phrase.title] = phrase
        if phrase.org and phrase.org not in _INSTITUTIONAL and phrase.how == "explicit":
            last_group = phrase
        if not phrase.locative:
            previous = phrase


def _dominant_country(phrases: list[Phrase]) -> str | None:
    """The country the article is mostly about: named (as country, demonym or institution) at
    least twice and more often than any other; failing that, in a short article, the country
    named most often counting places, if strictly ahead."""
    named = [p for p in phrases if p.country and p.how == "explicit" and not p.org]
    best = _strict_top(Counter(p.country for p in named if PLACE not in p.kinds), 2)
    return best or _strict_top(Counter(p.country for p in named), 1)


def _strict_top(counts: Counter[str | None], minimum: int) -> str | None:
    if not counts:
        return None
    (best, n), *rest = counts.most_common(2)
    if n < minimum or (rest and rest[0][1] == n):
        return None
    return best


def _copy_identity(phrase: Phrase, source: Phrase, how: str) -> None:
    phrase.country, phrase.org = source.country, source.org
    phrase.role = source.role if (phrase.role is None or phrase.person) else phrase.role
    phrase.roles = phrase.roles or source.roles  # a known person's offices, dated
    phrase.person = phrase.person or source.person
    phrase.how = how


def _inherit_place_country(phrases: list[Phrase], lowered: str) -> None:
    """"Police in Tbilisi", "soldiers in Niger": a bare group noun takes the country of the
    place it is said to be in."""
    for phrase, nxt in zip(phrases, phrases[1:], strict=False):
        if phrase.code is None and phrase.role and nxt.country and nxt.locative \
                and _IN_GAP.match(lowered[phrase.end:nxt.start]):
            phrase.country = nxt.country
            phrase.how = "place"


def _country_of_sentence_place(phrases: list[Phrase], sentence_of: list[int]) -> None:
    """"Armed gangs attacked two police stations in Port-au-Prince": a bare group noun takes
    the country of its sentence's place when the sentence places everything in one country."""
    by_sentence: dict[int, set[str]] = {}
    for phrase, sentence in zip(phrases, sentence_of, strict=True):
        if phrase.locative and phrase.country:
            by_sentence.setdefault(sentence, set()).add(phrase.country)
    for phrase, sentence in zip(phrases, sentence_of, strict=True):
        found = by_sentence.get(sentence, set())
        if phrase.code is None and phrase.role in _PLACE_ROLES and not phrase.org \
                and len(found) == 1:
            phrase.country = next(iter(found))
            phrase.how = "place"


def _add_surnames(phrases: list[Phrase], body: str) -> list[Phrase]:
    """"President Pedro Castillo ... Police arrested Castillo": a later bare surname refers to
    the person named in full earlier. Only surnames of resolved persons, only after the full
    mention, only capitalised and outside any other phrase. A known leader's government ("the
    Obama administration ... Obama said") names that person too, coded by the offices they
    held on the article's day."""
    names: dict[str, Phrase] = {}
    for phrase in phrases:
        if phrase.person and phrase.code and PRONOUN not in phrase.kinds and " " in phrase.text:
            m = _SURNAME.search(phrase.text)
            # A surname that is a dictionary entry itself ("Blair") is found without help.
            if m and not _is_actor_key(m.group(1)):
                names.setdefault(m.group(1), phrase)
            family = _family_first(phrase)
            if family and not _is_actor_key(family):
                names.setdefault(family, phrase)
        elif phrase.roles and phrase.head in GOVERNMENTS and not phrase.person:
            leader = phrase.text.split()[0]
            # "the May government": a common word ("May", "Major") stays a word alone.
            if not _is_actor_key(leader) and zipf_frequency(leader, "en") < _COMMON_ZIPF:
                names.setdefault(leader, Phrase(
                    phrase.start, phrase.start + len(leader), leader, {PERSON},
                    country=phrase.country, person=True, roles=phrase.roles))
    if not names:
        return phrases
    starts = [p.start for p in phrases]
    added: list[Phrase] = []
    for name, first in names.items():
        start = body.find(name, first.end)
        while start >= 0:
            end = start + len(name)
            bounded = (not body[start - 1:start].isalnum()) and not body[end:end + 1].isalnum()
            index = bisect_right(starts, start) - 1
            covering = phrases[index] if index >= 0 and phrases[index].end > start else None
            if bounded and covering is not None and _town_of_name(covering, start, end):
                covering.how = "merged"  # "Mike Pompeo ... shot back at Pompeo": not the town
                covering = None
            if bounded and covering is None:
                added.append(_alias(first, start, end, body, phrases))
            start = body.find(name, end)
    if not added:
        return phrases
    return sorted([p for p in phrases if p.how != "merged"] + added, key=lambda p: p.start)


def _family_first(phrase: Phrase) -> str | None:
    """The family name a Chinese or Korean name opens with ("Vice Premier Liu He ... Liu",
    "Kim Jong Un ... Kim"), if the person is of such a country."""
    if phrase.country not in FAMILY_FIRST_COUNTRIES:
        return None
    words = phrase.text.split()
    for word, following in zip(words, words[1:], strict=False):
        if word.lower() in family_first_names() and following[:1].isupper():
            return word
    return None


def _town_of_name(phrase: Phrase, start: int, end: int) -> bool:
    """Whether `phrase` is exactly the span [start, end) read as a town or region only: the
    person the article named in full is a likelier reading of the surname than a gazetteer
    place of that name (capitals and countries stay what they are)."""
    return (phrase.start == start and phrase.end == end and phrase.kinds == {PLACE}
            and phrase.locative)


def _is_actor_key(name: str) -> bool:
    """Whether `name` is itself an actor entry (a place of that name does not count)."""
    found = actor_entry(name)
    return found is not None and found.kind != PLACE


def _alias(first: Phrase, start: int, end: int, body: str, phrases: list[Phrase]) -> Phrase:
    """The phrase for a surname at [start, end); "Khan's party" takes in the noun after it."""
    alias = Phrase(start, end, body[start:end], set(first.kinds), country=first.country,
                   role=first.role, org=first.org, person=True, head=first.head, how="alias",
                   roles=first.roles)
    m = _POSSESSIVE_AFTER.match(body, end)
    if m:
        for phrase in phrases:
            if phrase.start == m.end() and phrase.code is None and phrase.role:
                alias = replace(alias, end=phrase.end, text=body[start:phrase.end],
                                role=phrase.role, person=False, head=phrase.head)
                phrase.how = "merged"
                break
    return alias


def _split_pairs(phrases: list[Phrase], sentence_starts: Sequence[int]) -> list[Phrase]:
    """"The two leaders", "both sides": the last two distinct actors named, as two coordinated
    phrases on the same span."""
    if not any(p.role == PAIR for p in phrases):
        return phrases
    sentence_at = {p.start: bisect_right(sentence_starts, p.start) - 1 for p in phrases}
    out: list[Phrase] = []
    for phrase in phrases:
        if phrase.role != PAIR:
            out.append(phrase)
            continue
        here = sentence_at.get(phrase.start, 0)
        # Prefer the previous sentence's actors: in "Russia urged both sides to stop", Russia
        # is not one of the sides.
        seen = _last_two(out, sentence_at, here, same_sentence=False) or \
            _last_two(out, sentence_at, here, same_sentence=True)
        if not seen:
            out.append(replace(phrase, role=None))
            continue
        for earlier in reversed(list(seen.values())):
            out.append(replace(phrase, kinds=set(phrase.kinds), country=earlier.country,
                               org=earlier.org, role=earlier.role, how="pair",
                               roles=earlier.roles))
    return out


def _last_two(out: list[Phrase], sentence_at: dict[int, int], here: int,
              same_sentence: bool) -> dict[str, Phrase]:
    """The last two actors of distinct countries/organisations named before a "two sides"."""
    seen: dict[str, Phrase] = {}
    for earlier in reversed(out):
        sentence = sentence_at.get(earlier.start, here)
        if sentence < here - _PAIR_HORIZON:
            break
        if (sentence == here) != same_sentence and not same_sentence:
            continue
        if earlier.is_actor and earlier.code and earlier.how != "pair":
            key = earlier.org or earlier.country or ""
            if key and key not in seen:
                seen[key] = earlier
            if len(seen) == 2:
                return seen
    return {}
