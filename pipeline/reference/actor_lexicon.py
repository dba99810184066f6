"""The actor dictionary compiled into one Aho-Corasick automaton (once per process).

Entries come from `reference/data/actors.json` (organisations, persons, institutions, titles,
group nouns, pronouns), `office-holders.json` (office holders 1990-2026 with dated roles),
`phoenix-persons.json` (some 19,000 names with dated roles to 2014, built from the Phoenix
dictionaries by `scripts/build_phoenix_persons.py`), `countries.json` (names and demonyms)
and the GeoNames gazetteer (cities, with landmarks and regions from `places.json`). Where two
sources share a surface form the earlier one wins: organisations before countries (so
"Palestinian Authority" stays an institution), persons and countries before places (so
"Jordan" is the country, not the town).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import ahocorasick
from wordfreq import zipf_frequency

from pipeline.reference.cache import cached
from pipeline.reference.countries import countries
from pipeline.reference.gazetteer import Place, lookup, places
from pipeline.reference.lexicon import build_automaton, keyed, load_data

# Kinds of dictionary entry.
COUNTRY, DEMONYM, PERSON, ORG, INST, TITLE, GROUP, PRONOUN, PLACE = (
    "COUNTRY", "DEMONYM", "PERSON", "ORG", "INST", "TITLE", "GROUP", "PRONOUN", "PLACE")
_NOT_ACRONYMS = frozenset({"duma"})
# A known person's dated offices: (actor code, first day, last day), ISO dates, open ends None.
DatedCodes = tuple[tuple[str, str | None, str | None], ...]


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
    roles: DatedCodes = ()  # a known person's dated offices


def _is_acronym(key: str) -> bool:
    return len(key) <= 4 and key not in _NOT_ACRONYMS


@functools.cache
def actor_automaton() -> ahocorasick.Automaton:
    """Every actor and place surface form, compiled once."""
    return build_automaton(actor_table().items())


@functools.cache
def actor_table() -> dict[str, ActorEntry]:
    """`actor_entries` by automaton key (the first entry of a key wins), built once per
    process and read from the on-disk cache when an earlier run built it from the same data."""
    return cached("actors", lambda: keyed(actor_entries()), _encode, _decode)  # type: ignore[arg-type]


_PlaceRow = tuple[str, str, float | None, float | None, bool, int]


def _encode(table: dict[str, ActorEntry]) -> tuple[list[_PlaceRow], list[tuple[Any, ...]]]:
    index: dict[Place, int] = {}
    rows: list[_PlaceRow] = []

    def ref(place: Place | None) -> int:
        if place is None:
            return -1
        if place not in index:
            index[place] = len(rows)
            rows.append((place.name, place.country, place.lat, place.lon, place.capital,
                         place.population))
        return index[place]

    entries = [(key, e.kind, e.country, e.role, e.org, ref(e.place),
                tuple(ref(p) for p in e.candidates), e.capital, e.major, e.acronym, e.roles)
               for key, e in table.items()]
    return rows, entries


def _decode(data: tuple[list[_PlaceRow], list[tuple[Any, ...]]]) -> dict[str, ActorEntry]:
    rows, entries = data
    found = [Place(*row) for row in rows]
    return {key: ActorEntry(kind, country, role, org, found[place] if place >= 0 else None,
                            tuple(found[p] for p in candidates), capital, major, acronym, roles)
            for key, kind, country, role, org, place, candidates, capital, major, acronym, roles
            in entries}


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
    # Dated office holders: ours (1990-2026) before Phoenix's (to 2014); a name known already
    # keeps its first entry.
    dated: dict[str, ActorEntry] = {}
    for source in ("office-holders.json", "phoenix-persons.json"):
        for key, entry in dated_persons(source).items():
            dated.setdefault(key, entry)
    hand = data["persons"]
    for key, (country, role) in hand.items():
        # A hand-listed name with dated offices is coded by the office held on the article's
        # day ("Donald Tusk" in 2019 is the EU's); so is a listed surname of such a name
        # ("tusk" beside "donald tusk").
        found = dated.get(key) or _dated_surname(key, hand, dated)
        if found is not None:
            entries.append((key, found))
        elif country and len(country) == 3 and country in countries():
            entries.append((key, ActorEntry(PERSON, country, role)))
        else:  # an international organisation's officer
            entries.append((key, ActorEntry(PERSON, None, None, org=country)))
    known = {key for key, _ in entries}
    entries += [(key, entry) for key, entry in dated.items() if key not in known]
    for country in countries().values():
        for name in country.names:
            entries.append((name.lower(), ActorEntry(COUNTRY, country.code,
                                                acronym=name.replace(".", "").isupper())))
        for demonym in country.demonyms:
            entries.append((demonym.lower(), ActorEntry(DEMONYM, country.code)))
    titles: dict[str, str] = data["titles"]
    for key, role in titles.items():
        entries.append((key, ActorEntry(TITLE, role=role)))
        # "Vice Premier Liu He", "Deputy Foreign Minister Sergei Ryabkov": the same office's
        # second holder, same role (an office, not an institution: not "deputy ministry").
        if not key.endswith("ministry"):
            entries += [(prefix + key, ActorEntry(TITLE, role=role)) for prefix in _DEPUTIES
                        if prefix + key not in titles]
    for key, role in data["groups"].items():
        entries.append((key, ActorEntry(GROUP, role=role)))
    for key in data["pronouns"]:
        entries.append((key, ActorEntry(PRONOUN)))
    for key, candidates in places().items():
        best = candidates[0]
        entries.append((key, ActorEntry(PLACE, best.country, place=best, candidates=candidates,
                                   capital=best.capital, major=best.major)))
    return entries


_DEPUTIES = ("vice ", "deputy ", "acting ")


def _dated_surname(key: str, hand: dict[str, Any],
                   dated: dict[str, ActorEntry]) -> ActorEntry | None:
    """The dated entry of the one hand-listed full name that ends in this surname, if any."""
    if " " in key:
        return None
    names = [name for name in hand if name.endswith(f" {key}") and name in dated]
    return dated[names[0]] if len(names) == 1 else None


# Role codes after the country: ELI (elite, out of office) names no role; a government body
# in a sector (GOVMIL, GOVJUD, GOVLEG) is that sector's role.
_SECTOR_ROLES = {"MIL": "MIL", "JUD": "JUD", "LEG": "LEG", "COP": "COP"}


def role_of(code: str) -> str | None:
    """"ISRGOV" -> "GOV", "IRNGOVLEG" -> "LEG", "USAELI" -> None."""
    role, sector = code[3:6], code[6:9]
    if role == "GOV":
        return _SECTOR_ROLES.get(sector, "GOV")
    return None if role in ("", "ELI") else role


def split_code(code: str) -> tuple[str | None, str | None, str | None]:
    """(country, role, organisation) of a dated actor code: "USAGOV", "IRNGOVLEG", "UN"."""
    if code[:3] in countries() and (len(code) == 3 or code[3:6].isalpha()):
        return code[:3], role_of(code), None
    return None, None, code


def dated_persons(name: str) -> dict[str, ActorEntry]:
    """Person entries from a dated-roles file (`office-holders.json`, `phoenix-persons.json`:
    name -> [[code, first day, last day], ...]). The entry carries the latest office's country
    or organisation; `code_on` gives the one held on an article's day."""
    found: dict[str, ActorEntry] = {}
    for key, rules in load_data(name)["persons"].items():
        dated: DatedCodes = tuple((code, first, last) for code, first, last in rules
                                  if code[:3] in countries() or code in _org_codes())
        if not dated:
            continue
        latest = max(dated, key=lambda r: (r[1] or "", r[2] or "9999"))
        country, _, org = split_code(latest[0])
        found[key] = ActorEntry(PERSON, country, None, org=org, roles=dated)
    return found


_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


@functools.cache
def office_surnames() -> dict[str, ActorEntry]:
    """Surname -> the dated offices of the office holders who bear it, for the surnames whose
    holders all belong to one country or organisation ("obama", "kerry", "abe"; not "kim").
    Our office holders (1990-2026, the prominent offices) decide a surname they know: Phoenix's
    19,000 names hold a Congolese minister Obama beside the president. Read only after a
    title ("President Obama", "Secretary Kerry"): a bare surname is too often a word or a
    place ("Obama" is a town in Japan, "May" a month)."""
    found: dict[str, ActorEntry] = {}
    # A family name written first ("Kim Dae-jung", "Moon Jae-in") bears other holders too.
    first_words: dict[str, set[str]] = {}
    for source in ("office-holders.json", "phoenix-persons.json"):
        holders: dict[str, dict[str, DatedCodes]] = {}
        for name, entry in dated_persons(source).items():
            words = [w for w in name.split() if w not in _NAME_SUFFIXES]
            if len(words) >= 2:
                first_words.setdefault(words[0], set()).update(_owners({name: entry.roles}))
            if len(words) >= 2 and words[-1].isalpha() and len(words[-1]) >= 3:
                holders.setdefault(words[-1], {})[name] = entry.roles
        for surname, named in holders.items():
            if surname not in found:
                entry = _one_owner(named)
                if entry is not None:
                    found[surname] = entry
    return {surname: entry for surname, entry in found.items()
            if first_words.get(surname, set()) <= {entry.country or entry.org}}


# Where a person's family name is written first in English ("Xi Jinping", "Kim Jong Un",
# "Moon Jae-in"); Japanese names are given in Western order.
FAMILY_FIRST_COUNTRIES = frozenset({"CHN", "TWN", "HKG", "MAC", "PRK", "KOR"})


@functools.cache
def family_first_names() -> frozenset[str]:
    """Family names that open the names of Chinese and Korean office holders more often than
    any other office holder's name ("kim", "li", "moon"; not "donald", "carrie" or "john")."""
    counts: dict[str, list[int]] = {}
    for source in ("office-holders.json", "phoenix-persons.json"):
        for name, entry in dated_persons(source).items():
            words = name.split()
            if len(words) < 2 or not words[0].isalpha():
                continue
            countries_of = {split_code(code)[0] for code, _, _ in entry.roles}
            seen = counts.setdefault(words[0], [0, 0])
            seen[0 if countries_of & FAMILY_FIRST_COUNTRIES else 1] += 1
    # Function words ("no", "an") open some romanised names and every other sentence.
    return frozenset(word for word, (east, other) in counts.items()
                     if east >= 2 and east > other and len(word) >= 2
                     and zipf_frequency(word, "en") < _FUNCTION_ZIPF)


_FUNCTION_ZIPF = 5.5


def _owners(named: dict[str, DatedCodes]) -> set[str | None]:
    return {split_code(code)[0] or split_code(code)[2]
            for roles in named.values() for code, _, _ in roles}


def _one_owner(named: dict[str, DatedCodes]) -> ActorEntry | None:
    """One person entry for the holders of a surname, if they share a country or organisation."""
    if len(_owners(named)) != 1:
        return None
    roles = tuple(sorted({r for rules in named.values() for r in rules},
                         key=lambda r: (r[1] or "", r[2] or "")))
    country, _, org = split_code(max(roles, key=lambda r: (r[1] or "", r[2] or "9999"))[0])
    return ActorEntry(PERSON, country, None, org=org, roles=roles)


@functools.cache
def _org_codes() -> frozenset[str]:
    """The organisation codes of `actors.json` ("UN", "HAMAS", ...)."""
    return frozenset(code for code, _, _ in load_data("actors.json")["organisations"].values())


def code_on(roles: DatedCodes, day: str) -> str | None:
    """The code of the office held on `day` (ISO): the dated period that covers it, the one that
    began latest; else the undated default; else None (out of office)."""
    covering = [(first or "", code) for code, first, last in roles
                if (first or last) and (first or "") <= day <= (last or "9999")]
    if covering:
        return max(covering)[1]
    defaults = [code for code, first, last in roles if not first and not last]
    return defaults[0] if defaults else None
