"""Build `pipeline/reference/data/cameo-verbs.json` from PETRARCH2's CAMEO verb dictionary.

`CAMEO.2.0.txt` (Phoenix dictionaries, MIT licence: `pipeline/reference/data/LICENSE.phoenix`)
groups verbs in blocks `--- NAME [code] ---`; each verb line is `VERB {irregular forms} [own
code]`, and the patterns under a block (`- ...`) refine its code by context. The extractor
takes the verbs of the blocks in `BLOCKS` (a verb's own code, else its block's) into its
lexicon after its own entries: those blocks hold verbs that name their event by themselves
("castigate", "berate", "abduct"). Blocks of general verbs ("make", "call", "fight" with
"match" and "storm" among its synonyms) are left out: without the patterns and the clause
they need, each of their hits is a guess (measured in docs/extraction.md).

    python scripts/build_cameo_verbs.py ../shared/dictionaries/phoenix
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "reference" / "data" / "cameo-verbs.json"
SOURCE = "CAMEO.2.0.txt"
# Blocks whose verbs code their event alone: disapproval, threats, praise, appeals, demands,
# coercion and violence with a specific verb.
BLOCKS = frozenset({
    "DENIGRATE", "DENOUNCE", "DEPLORE", "JEER", "BLAME", "REBUFF", "THREATEN", "ACCLAIM",
    "LAUD", "THANK", "APOLOGIZE", "FORGIVE", "PLEDGE", "APPEAL", "DEMAND", "KIDNAP",
    "ASSASSINATE", "TORTURE", "INVADE", "BESIEGE", "MASSACRE", "DEPORT", "PROSECUTE",
    "SENTENCE", "EXTRADITE", "INVESTIGATE", "RIOT", "BLACKLIST", "APPREHEND",
})
# General verbs listed in those blocks that do not name the event alone ("need", "take",
# "reside", "celebrate" a holiday, "push" a cart, "press" a button).
GENERAL = frozenset({
    "bid", "campaign", "need", "press", "push", "want", "necessitate", "take", "catch",
    "grab", "remove", "inhabit", "reside", "infest", "celebrate", "commemorate", "recognise",
    "recognize", "respect", "greet", "welcome", "reward", "toast", "clap", "honor", "honour",
    "lecture", "charge", "subscribe", "solicit", "slight", "caution", "occupy",
})
_BLOCK = re.compile(r"^---\s+(\S+)\s+\[([0-9:-]*)\]\s*---")
_VERB = re.compile(r"^\+?([A-Z][A-Z_'-]*)\s*(?:\{([^}]*)\})?\s*(?:\[([0-9]+)\])?\s*$")


def parse(text: str, blocks: frozenset[str] = BLOCKS) -> list[dict[str, object]]:
    """[{"verb": lemma phrase, "forms": irregular forms, "code": CAMEO code}, ...]."""
    verbs: list[dict[str, object]] = []
    block: tuple[str, str] | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        found_block = _BLOCK.match(line)
        if found_block is not None:
            name, code = found_block.groups()
            block = (name, code) if name in blocks and code.isdigit() else None
            continue
        if block is None or not line or line.startswith(("-", "&", " ", "\t")):
            continue
        found = _VERB.match(line)
        if found is None:
            continue
        lemma, forms, own = found.groups()
        if lemma.lower() in GENERAL:
            continue
        verbs.append({
            "verb": " ".join(w for w in lemma.lower().split("_") if w),
            "forms": sorted({f.lstrip("+").lower().replace("_", " ")
                             for f in (forms or "").split() if f.strip("+")}),
            "code": own or block[1],
            "block": block[0],
        })
    return verbs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phoenix", type=Path, help="the folder of the Phoenix dictionaries")
    args = parser.parse_args()
    verbs = parse((args.phoenix / SOURCE).read_text(encoding="latin-1"))
    doc = {"_doc": f"Built by scripts/build_cameo_verbs.py from {SOURCE} (Phoenix "
                   "dictionaries, MIT licence: LICENSE.phoenix). verb: lemma phrase; forms: "
                   "its irregular inflections; code: CAMEO; block: the dictionary's block.",
           "verbs": verbs}
    OUT.write_text(json.dumps(doc, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(verbs)} verbs -> {OUT}")  # noqa: T201


if __name__ == "__main__":
    main()
