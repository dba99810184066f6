"""The actor dictionary compiled into one Aho-Corasick automaton (once per process).

Entries come from `reference/data/actors.json` (organisations, persons, institutions, titles,
group nouns, pronouns), `countries.json` (names and demonyms) and the GeoNames gazetteer
(cities, with landmarks and regions from `places.json`). Where two sources share a surface
form the earlier one wins: organisations before countries (so "Palestinian Authority" stays an
institution), persons and countries before places (so "Jordan" is the country, not the town).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import ahocorasick

from pipeline.reference.countries import countries
from pipeline.reference.gazetteer import Place, lookup, places
from pipeline.reference.lexicon import build_automaton, load_data

# Kinds of dictionary entry.
COUNTRY, DEMONYM, PERSON, ORG, INST, TITLE, GROUP, PRONOUN, PLACE = (
    "COUNTRY", "DEMONYM", "PERSON", "ORG", "INST", "TITLE", "GROUP", "PRONOUN", "PLACE")
_NOT_ACRONYMS = frozenset({"duma"})


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One dictionary entry for an actor or place surface form."""

    kind: str
    country: str | None = None
    role: str | None = None
    org: str | None = None
    place: Place | None = None
    candidates: tuple[Place, ...] = ()
    capital: bool = False
    major: bool = False
    acronym: bool = False


def _is_acronym(key: str) -> bool:
    return len(key) <= 4 and key not in _NOT_ACRONYMS


@functools.cache
def actor_automaton() -> ahocorasick.Automaton:
    """Every actor and place surface form, compiled once."""
    return build_automaton(actor_entries())


def actor_entries() -> list[tuple[str, ActorEntry]]:
    """(surface form, entry) for every actor and place, in priority order."""
    data = load_data("actors.json")
    entries: list[tuple[str, ActorEntry]] = []
    for key, (code, country, role) in data["organisations"].items():
        entries.append((key, ActorEntry(ORG, country, role, code, acronym=_is_acronym(key))))
    for key, (country, role) in data["institutions"].items():
        found = lookup(key)
        entries.append((key, ActorEntry(INST, country, role, place=found[0] if found else None,
                                   acronym=_is_acronym(key))))
    for key, (country, role) in data["persons"].items():
        if country and len(country) == 3 and country in countries():
            entries.append((key, ActorEntry(PERSON, country, role)))
        else:  # an international organisation's officer
            entries.append((key, ActorEntry(PERSON, None, None, org=country)))
    for country in countries().values():
        for name in country.names:
            entries.append((name.lower(), ActorEntry(COUNTRY, country.code,
                                                acronym=name.replace(".", "").isupper())))
        for demonym in country.demonyms:
            entries.append((demonym.lower(), ActorEntry(DEMONYM, country.code)))
    for key, role in data["titles"].items():
        entries.append((key, ActorEntry(TITLE, role=role)))
    for key, role in data["groups"].items():
        entries.append((key, ActorEntry(GROUP, role=role)))
    for key in data["pronouns"]:
        entries.append((key, ActorEntry(PRONOUN)))
    for key, candidates in places().items():
        best = candidates[0]
        entries.append((key, ActorEntry(PLACE, best.country, place=best, candidates=candidates,
                                   capital=best.capital, major=best.major)))
    return entries
