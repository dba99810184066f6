"""Build `pipeline/reference/data/phoenix-persons.json` from the Phoenix country-actor dictionary.

The Phoenix dictionaries (PETRARCH2, MIT licence, Open Event Data Alliance) list some 11,000
named office holders with date-ranged roles. This keeps the persons (not the country names,
which `countries.json` covers): every name and synonym of two to five words that are not all
common English words, with its restrictions as (code, first day, last day) and the licence
beside the data. Run it again when the dictionary changes:

    python scripts/build_phoenix_persons.py ../shared/dictionaries/phoenix
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from datetime import date
from pathlib import Path

from wordfreq import zipf_frequency

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "reference" / "data"
SOURCE = "Phoenix.Countries.actors.txt"
_RESTRICTION = re.compile(r"\[([A-Z]{3}[A-Z]*)\s*([<>]?\s*\d{6,8})?(?:\s*-\s*(\d{6,8}))?\]")
# A name made only of common words ("Prime Minister Netanyahu" is not; "Abdul Ali" is) is
# too easily a phrase of ordinary text; particles of names do not count either way.
_PARTICLES = frozenset({"al", "el", "bin", "ibn", "abu", "de", "da", "van", "von", "der",
                        "la", "le", "du", "di", "del", "bint"})
_COMMON = 4.5  # wordfreq Zipf frequency above which a word is ordinary English


def day(text: str) -> str:
    """YYYYMMDD or YYMMDD (TABARI: years 00-30 are 20xx) as an ISO date."""
    text = text.strip()
    if len(text) == 6:
        year = int(text[:2])
        text = f"{2000 + year if year <= 30 else 1900 + year}{text[2:]}"
    year, month, dom = int(text[:4]), int(text[4:6]), int(text[6:8])
    month = min(max(month, 1), 12)  # the file has a few "00" months and days
    for candidate in (dom, 28, 1):
        try:
            return date(year, month, max(candidate, 1)).isoformat()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")  # pragma: no cover


def restriction(line: str) -> list[str | None] | None:
    """`[CODE 950101-960626]`, `[CODE >100201]`, `[CODE <050101]` or `[CODE]` as
    [code, first day or None, last day or None]."""
    found = _RESTRICTION.search(line)
    if found is None:
        return None
    code, first, last = found.groups()
    if first and first.startswith("<"):
        return [code, None, day(first[1:])]
    if first and first.startswith(">"):
        return [code, day(first[1:]), None]
    return [code, day(first) if first else None, day(last) if last else None]


def descriptor_words() -> frozenset[str]:
    """Words of titles, group nouns, country names and demonyms: a Phoenix synonym holding
    one ("ISRAELI_PRIME_MINISTER_BENJAMIN_NETANYAHU") is a phrase the extractor builds from
    its parts, which says more (the title gives the role), so it is left out."""
    actors = json.loads((OUT / "actors.json").read_text(encoding="utf-8"))
    countries = json.loads((OUT / "countries.json").read_text(encoding="utf-8"))
    phrases = [*actors["titles"], *actors["groups"], "former", "acting", "deputy", "late"]
    for country in countries.values():
        if isinstance(country, dict):
            phrases += country.get("names", []) + country.get("demonyms", [])
    return frozenset(w for phrase in phrases for w in phrase.lower().split())


def surface(name: str, descriptors: frozenset[str] = frozenset()) -> str | None:
    """A dictionary phrase as text to match ("BIBI_NETANYAHU_" -> "bibi netanyahu"), or None
    when it is not a usable person name."""
    words = [w for w in name.strip().strip("_").lower().split("_") if w]
    if not 2 <= len(words) <= 5 or not all(re.fullmatch(r"[a-z][a-z.'-]*", w) for w in words):
        return None
    if any(w in descriptors for w in words):
        return None
    content = [w for w in words if w not in _PARTICLES]
    if not content or all(zipf_frequency(w, "en") > _COMMON for w in content):
        return None
    return " ".join(words)


def parse(text: str, descriptors: frozenset[str] = frozenset()
          ) -> dict[str, list[list[str | None]]]:
    """Person name -> its restrictions, for every record of a Phoenix actor file."""
    persons: dict[str, list[list[str | None]]] = {}
    names: list[str] = []
    rules: list[list[str | None]] = []

    def close() -> None:
        if rules and any(r[0] and len(r[0]) > 3 or r[1] or r[2] for r in rules):
            for name in names:  # first record wins for a name listed twice
                persons.setdefault(name, rules)
        names.clear()

    for raw in text.splitlines():
        line = re.split(r"[#;]", raw, maxsplit=1)[0].rstrip()  # both comment styles occur
        if not line.strip():
            continue
        if raw.startswith(("\t", " ")):
            found = restriction(line)
            if found is not None:
                rules.append(found)
            continue
        if not line.startswith("+"):
            close()
            rules = []
            inline = restriction(line)
            if inline is not None:
                rules.append([inline[0], None, None])
            line = line.split("[", 1)[0]
        name = surface(line.lstrip("+").split("[", 1)[0], descriptors)
        if name is not None:
            names.append(name)
    close()
    return persons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phoenix", type=Path, help="the folder of the Phoenix dictionaries")
    args = parser.parse_args()
    persons = parse((args.phoenix / SOURCE).read_text(encoding="latin-1"), descriptor_words())
    doc = {"_doc": f"Built by scripts/build_phoenix_persons.py from {SOURCE} (Phoenix "
                   "dictionaries, MIT licence: LICENSE.phoenix). name -> [[code, first day "
                   "or null, last day or null], ...]; a code is country + role (+ sector).",
           "persons": dict(sorted(persons.items()))}
    (OUT / "phoenix-persons.json").write_text(json.dumps(doc, separators=(",", ":")) + "\n",
                                              encoding="utf-8")
    shutil.copyfile(args.phoenix / "LICENSE", OUT / "LICENSE.phoenix")
    print(f"{len(persons)} person names -> {OUT / 'phoenix-persons.json'}")  # noqa: T201


if __name__ == "__main__":
    main()
