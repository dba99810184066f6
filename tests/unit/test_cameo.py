"""CAMEO reference table: coverage, fallbacks, quad classes, PLOVER mapping, named codes."""

from __future__ import annotations

import re

import pytest

from pipeline.reference import cameo
from pipeline.reference.cameo import PLOVER_BY_ROOT, describe, known_codes, quad_class
from pipeline.reference.countries import countries, country_name

ROOTS = [f"{n:02d}" for n in range(1, 21)]
# Words a code's name may leave out of its label.
_SMALL_WORDS = frozenset({"a", "in", "to", "or"})


@pytest.mark.parametrize("root", ROOTS)
def test_every_root_is_known(root: str) -> None:
    described = describe(root)
    assert described.root == root
    assert described.label == described.root_label
    assert described.plover == PLOVER_BY_ROOT[root]


@pytest.mark.parametrize(
    ("root", "expected"),
    [("01", 1), ("05", 1), ("06", 2), ("08", 2), ("09", 3), ("13", 3), ("14", 4), ("20", 4)],
)
def test_quad_class_by_root(root: str, expected: int) -> None:
    assert quad_class(root) == expected
    assert describe(root + "0").quad_class == expected


@pytest.mark.parametrize(
    ("code", "label", "goldstein"),
    [
        ("040", "Consult, not specified below", 1.0),
        ("046", "Engage in negotiation", 7.0),
        ("0841", "Return, release person(s)", 7.0),
        ("120", "Reject, not specified below", -4.0),
        ("130", "Threaten, not specified below", -4.4),
        ("195", "Employ aerial weapons", -10.0),
    ],
)
def test_known_codes(code: str, label: str, goldstein: float) -> None:
    described = describe(code)
    assert (described.code, described.label, described.goldstein) == (code, label, goldstein)


@pytest.mark.parametrize(
    ("code", "falls_back_to"),
    [("0849", "084"), ("0459", "045"), ("1879", "18"), ("19999", "19")],
)
def test_unknown_codes_fall_back_to_longest_known_prefix(code: str, falls_back_to: str) -> None:
    described = describe(code)
    assert described.code == code
    assert described.label == describe(falls_back_to).label
    assert described.goldstein == describe(falls_back_to).goldstein


@pytest.mark.parametrize("bad", ["", "7", "21", "00", "abc", "99"])
def test_invalid_codes_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        describe(bad)


def test_plover_sub_code_overrides() -> None:
    assert describe("057").plover == "AGREE"
    assert describe("0871").plover == "RETREAT"
    assert describe("051").plover == "SUPPORT"


def test_table_is_reasonably_complete() -> None:
    codes = known_codes()
    assert len(codes) >= 250
    assert all(-10.0 <= describe(c).goldstein <= 10.0 for c in codes)


@pytest.mark.parametrize(
    ("code", "name"),
    [("ISR", "Israel"), ("qat", "Qatar"), ("PSE", "Palestine"), ("USA", "United States"),
     ("XYZ", None)],
)
def test_country_name(code: str, name: str | None) -> None:
    assert country_name(code) == name


def test_countries_carry_demonyms() -> None:
    table = countries()
    assert "Israeli" in table["ISR"].demonyms
    assert "Qatari" in table["QAT"].demonyms
    assert len(table) >= 193


# -- named codes --------------------------------------------------------------------------------

def named_codes() -> dict[str, str]:
    """Every code constant of `cameo` (upper-case name, digit-string value)."""
    return {name: value for name, value in vars(cameo).items()
            if name.isupper() and isinstance(value, str) and value.isdigit()}


def label_words(label: str) -> list[str]:
    return re.findall(r"[a-z]+", label.lower().replace(", not specified below", " unspecified"))


@pytest.mark.parametrize(("name", "code"), sorted(named_codes().items()))
def test_code_name_is_taken_from_its_table_label(name: str, code: str) -> None:
    assert code in known_codes(), (name, code)
    label = describe(code).label
    words, pool = name.lower().split("_"), iter(label_words(label))
    # The name's words occur in the label in the same order ...
    assert all(word in pool for word in words), (name, code, label)
    # ... and cover at least half of its content words, so that a name says what the code is.
    content = [w for w in label_words(label) if w not in _SMALL_WORDS]
    assert 2 * len([w for w in words if w in content]) >= len(content), (name, code, label)


def test_every_root_is_named_once() -> None:
    codes = list(named_codes().values())
    assert len(codes) == len(set(codes))
    assert sorted(c for c in codes if len(c) == 2) == ROOTS
