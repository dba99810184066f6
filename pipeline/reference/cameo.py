"""CAMEO event-code reference table: labels, Goldstein scores, quad classes, PLOVER types,
and the names the extraction rules use for codes.

The table (`reference/data/cameo.tsv`) holds the CAMEO 1.1b3 codes with the Goldstein
conflict-cooperation weights GDELT publishes for them (plus the later 155/176/1951/1952 codes).

Quad class follows the root: 01-05 verbal cooperation (1), 06-08 material cooperation (2),
09-13 verbal conflict (3), 14-20 material conflict (4).

PLOVER mapping (root -> PLOVER event type). PLOVER folds CAMEO's "intend"/"demand" roots into
the base type with a mode, and has no "public statement" type, hence:
  01 -> OTHER (no PLOVER equivalent)   02 -> REQUEST    03 -> AGREE (mode: intend)
  04 -> CONSULT    05 -> SUPPORT    06 -> COOPERATE    07 -> AID    08 -> CONCEDE
  09 -> ACCUSE (PLOVER puts investigations under ACCUSE)    10 -> REQUEST (mode: demand)
  11 -> ACCUSE    12 -> REJECT    13 -> THREATEN    14 -> PROTEST    15 -> MOBILIZE
  16 -> SANCTION    17 -> COERCE    18 -> ASSAULT    19 -> ASSAULT    20 -> ASSAULT
with sub-code overrides where PLOVER differs from its root: 057 (sign agreement) -> AGREE,
087* (de-escalate) -> RETREAT, 166* (expel/withdraw) -> RETREAT.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

# -- named codes --------------------------------------------------------------------------------
# Rules refer to codes by these names; verbs.json keeps codes as data. Each name is taken from
# the code's label in `data/cameo.tsv` (its words, in order; "_UNSPECIFIED" for ", not specified
# below"), and tests/unit/test_cameo.py checks every name against the table.

# The 20 roots of the CAMEO codebook.
MAKE_STATEMENT = "01"  # Make public statement
APPEAL = "02"
INTENT_TO_COOPERATE = "03"  # Express intent to cooperate
CONSULT = "04"
DIPLOMATIC_COOPERATION = "05"  # Engage in diplomatic cooperation
MATERIAL_COOPERATION = "06"  # Engage in material cooperation
PROVIDE_AID = "07"
YIELD = "08"
INVESTIGATE = "09"
DEMAND = "10"
DISAPPROVE = "11"
REJECT = "12"
THREATEN = "13"
PROTEST = "14"
FORCE_POSTURE = "15"  # Exhibit force posture
REDUCE_RELATIONS = "16"
COERCE = "17"
ASSAULT = "18"
FIGHT = "19"
MASS_VIOLENCE = "20"  # Use unconventional mass violence

# The specific codes the extraction rules use.
PESSIMISTIC_COMMENT = "012"  # Make pessimistic comment
DENY_RESPONSIBILITY = "016"  # Deny responsibility
INTENT_TO_COOPERATE_UNSPECIFIED = "030"
MAKE_VISIT = "042"  # Make a visit
HOST_VISIT = "043"  # Host a visit
NEGOTIATION = "046"  # Engage in negotiation
DEMAND_UNSPECIFIED = "100"  # Demand, not specified below
CRITICIZE_OR_DENOUNCE = "111"
PRAISE_OR_ENDORSE = "051"  # Praise or endorse
THREATEN_UNSPECIFIED = "130"  # Threaten, not specified below (CAMEO's WARN block)
THREATEN_MILITARY_FORCE = "138"  # Threaten to use military force
PROTEST_VIOLENTLY = "145"  # Protest violently, riot
UNCONVENTIONAL_VIOLENCE = "180"  # Use unconventional violence, not specified below

PLOVER_BY_ROOT: dict[str, str] = {
    "01": "OTHER", "02": "REQUEST", "03": "AGREE", "04": "CONSULT", "05": "SUPPORT",
    "06": "COOPERATE", "07": "AID", "08": "CONCEDE", "09": "ACCUSE", "10": "REQUEST",
    "11": "ACCUSE", "12": "REJECT", "13": "THREATEN", "14": "PROTEST", "15": "MOBILIZE",
    "16": "SANCTION", "17": "COERCE", "18": "ASSAULT", "19": "ASSAULT", "20": "ASSAULT",
}
# Prefix overrides, checked longest first.
PLOVER_OVERRIDES: dict[str, str] = {"057": "AGREE", "087": "RETREAT", "166": "RETREAT"}


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO code with everything downstream consumers need to label it."""

    code: str
    label: str
    root: str
    root_label: str
    quad_class: int
    goldstein: float
    plover: str


def quad_class(root: str) -> int:
    """Quad class of a two-digit CAMEO root (1 verbal coop .. 4 material conflict)."""
    n = int(root)
    if not 1 <= n <= 20:
        raise ValueError(f"not a CAMEO root: {root!r}")
    if n <= 5:
        return 1
    if n <= 8:
        return 2
    if n <= 13:
        return 3
    return 4


def _plover(code: str) -> str:
    for prefix in sorted(PLOVER_OVERRIDES, key=len, reverse=True):
        if code.startswith(prefix):
            return PLOVER_OVERRIDES[prefix]
    return PLOVER_BY_ROOT[code[:2]]


@functools.cache
def _table() -> dict[str, tuple[str, float]]:
    text = resources.files(__package__).joinpath("data/cameo.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {r["code"]: (r["label"], float(r["goldstein"])) for r in rows}


def known_codes() -> list[str]:
    """Every code in the table, roots included, in table order."""
    return list(_table())


@functools.cache
def describe(code: str) -> CameoCode:
    """Describe a CAMEO code; unknown codes fall back to the longest known prefix, then the root.

    The returned `code` is the code asked for (so an unknown sub-code keeps its identity), while
    label and Goldstein come from the entry it fell back to. Raises ValueError when not even
    the root is a CAMEO root.
    """
    code = code.strip()
    if len(code) < 2 or not code.isdigit():
        raise ValueError(f"not a CAMEO code: {code!r}")
    table = _table()
    root = code[:2]
    if root not in table:
        raise ValueError(f"not a CAMEO root: {code!r}")
    match = next(code[:n] for n in range(len(code), 1, -1) if code[:n] in table)
    label, goldstein = table[match]
    return CameoCode(
        code=code,
        label=label,
        root=root,
        root_label=table[root][0],
        quad_class=quad_class(root),
        goldstein=goldstein,
        plover=_plover(code),
    )
