"""ISO 3166-1 alpha-3 country reference: English names plus the names, aliases and demonyms
the actor dictionary matches in text.

`reference/data/countries.json` was generated from `pycountry` (names) with hand-typed aliases
("Britain", "US", "Gaza") and demonyms ("Israeli", "Qatari"); it covers every UN member state
plus Palestine, Kosovo (XKX, the code in common use), Taiwan and the Vatican.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Country:
    """A country and the surface forms that refer to it."""

    code: str
    name: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]


@functools.cache
def countries() -> dict[str, Country]:
    """All countries by alpha-3 code (loaded once)."""
    raw = json.loads(
        resources.files(__package__).joinpath("data/countries.json").read_text(encoding="utf-8")
    )
    return {
        code: Country(code, row["name"], tuple(row["names"]), tuple(row["demonyms"]))
        for code, row in raw.items()
    }


def country_name(code: str) -> str | None:
    """English name of an ISO alpha-3 code (case-insensitive), or None when unknown."""
    country = countries().get(code.strip().upper())
    return country.name if country else None
