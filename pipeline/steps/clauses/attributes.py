"""The model's attribute ruler (part of speech, morphology and some lemmas from the tagger's
fine tags), applied as table lookups instead of spaCy's `Matcher`.

The ruler's 179 patterns took 29% of the clause engine's time (cProfile, BBC): the matcher
tests every pattern at every token. Every pattern looks only at a token's tag, lower-cased
form, dependency label and whether it is a space, so the rules a token meets are worked out
once per such key and cached; the doc's columns are read and written as arrays
(`Doc.to_array` / `from_array`), without a Python `Token` per token. The eight two-token
patterns ("gon na", "let 's", an expletive before "is" ...) are tried only where their first
token's key matches, and a token they touch gets the rules in the ruler's own order (later
rules win), so every token ends exactly as the ruler leaves it (`tests/unit/test_clauses.py`
compares the two token for token).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

_Key = tuple[str, str, str, bool]
_Test = Callable[[_Key], bool]
_Rule = tuple[int, dict[int, int]]
_FIELDS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_READ = [TAG, LOWER, DEP, IS_SPACE]
_WRITE = [POS, MORPH, LEMMA, TAG]
_MAX_KEYS = 200_000


def _value_test(field: int, spec: Any) -> _Test:
    """One pattern attribute as a test of a token key (exact value, IN, NOT_IN or REGEX)."""
    if not isinstance(spec, dict):
        return lambda key: key[field] == spec
    ((op, arg),) = spec.items()
    if op == "IN":
        values = frozenset(arg)
        return lambda key: key[field] in values
    if op == "NOT_IN":
        values = frozenset(arg)
        return lambda key: key[field] not in values
    if op == "REGEX":
        pattern = re.compile(arg)
        return lambda key: pattern.search(key[field]) is not None
    raise ValueError(f"attribute-ruler operator {op!r} is not supported")


def _token_test(spec: Mapping[str, Any]) -> _Test:
    unknown = set(spec) - set(_FIELDS)
    if unknown:
        raise ValueError(f"attribute-ruler pattern field(s) {sorted(unknown)} are not supported")
    tests = [_value_test(_FIELDS[name], value) for name, value in spec.items()]
    return lambda key: all(test(key) for test in tests)


class _Single(NamedTuple):
    order: int
    test: _Test
    attrs: dict[int, int]
    tag: str | None  # the one tag the rule needs, if it names one
    lowers: frozenset[str] | None  # the forms it needs, if it names them


def _lowers(spec: Any) -> frozenset[str] | None:
    if isinstance(spec, str):
        return frozenset([spec])
    if isinstance(spec, dict) and "IN" in spec:
        return frozenset(spec["IN"])
    return None


class _Multi(NamedTuple):
    tests: list[_Test]
    order: int
    attrs: dict[int, int]
    index: int


class _Info(NamedTuple):
    """What the rules do to a token with one key."""

    key: _Key
    rules: list[_Rule]
    writes: list[tuple[int, int]]  # (column of `_WRITE`, value): the merged single-token rules
    others: dict[int, int]  # merged attributes outside `_WRITE` (a space token's DEP)
    starts: list[_Multi]  # multi-token patterns whose first token this key matches


def _split(merged: dict[int, int]) -> tuple[list[tuple[int, int]], dict[int, int]]:
    writes = [(col, merged[attr]) for col, attr in enumerate(_WRITE) if attr in merged]
    return writes, {attr: value for attr, value in merged.items() if attr not in _WRITE}


class FastAttributes:
    """The attribute ruler of `nlp`, compiled once; `__call__` sets a parsed `Doc`'s attributes."""

    def __init__(self, nlp: Language) -> None:
        ruler = nlp.get_pipe("attribute_ruler")
        self._strings = nlp.vocab.strings
        self._single: list[_Single] = []
        self._multi: list[_Multi] = []
        # `ruler.attrs` holds each rule's attributes normalised to ids, as `set_token_attrs` and
        # `Doc.from_array` take them; `ruler.patterns` the patterns as written.
        for order, rule in enumerate(ruler.patterns):
            attrs, index = dict(ruler.attrs[order]), ruler.indices[order]
            for pattern in rule["patterns"]:
                tests = [_token_test(spec) for spec in pattern]
                if len(tests) == 1:
                    tag, lower = pattern[0].get("TAG"), pattern[0].get("LOWER")
                    self._single.append(_Single(order, tests[0], attrs,
                                                tag if isinstance(tag, str) else None,
                                                _lowers(lower)))
                else:
                    self._multi.append(_Multi(tests, order, attrs, index))
        self._infos: dict[tuple[int, ...], _Info] = {}
        self._by_tag: dict[str, tuple[list[_Single], dict[str, list[_Single]]]] = {}

    def _candidates(self, tag: str, lower: str) -> list[_Single]:
        """The single-token rules a token of this tag and form can meet, in rule order: most
        rules name one tag or a few forms, and testing only those makes a new key cheap."""
        index = self._by_tag.get(tag)
        if index is None:
            fits = [rule for rule in self._single if rule.tag is None or rule.tag == tag]
            by_lower: dict[str, list[_Single]] = {}
            for rule in fits:
                for form in rule.lowers or ():
                    by_lower.setdefault(form, []).append(rule)
            index = ([rule for rule in fits if rule.lowers is None], by_lower)
            self._by_tag[tag] = index
        general, by_lower = index
        named = by_lower.get(lower)
        return sorted(general + named, key=_order) if named else general

    def _info(self, row: tuple[int, ...]) -> _Info:
        found = self._infos.get(row)
        if found is None:
            strings = self._strings
            key = (strings[row[0]], strings[row[1]], strings[row[2]], bool(row[3]))
            rules = [(rule.order, rule.attrs) for rule in self._candidates(key[0], key[1])
                     if rule.test(key)]
            writes, others = _split(_merge(rules))
            starts = [multi for multi in self._multi if multi.tests[0](key)]
            found = _Info(key, rules, writes, others, starts)
            if len(self._infos) < _MAX_KEYS:
                self._infos[row] = found
        return found

    def _multi_matches(self, infos: list[_Info]) -> dict[int, list[_Rule]]:
        """Token index -> the multi-token rules that set its attributes."""
        extra: dict[int, list[_Rule]] = {}
        for i, info in enumerate(infos):
            for multi in info.starts:
                end = i + len(multi.tests)
                if end <= len(infos) and all(
                    test(infos[i + j].key) for j, test in enumerate(multi.tests[1:], 1)
                ):
                    target = i + multi.index if multi.index >= 0 else end + multi.index
                    extra.setdefault(target, []).append((multi.order, multi.attrs))
        return extra

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        infos = [self._info(tuple(row)) for row in doc.to_array(_READ).tolist()]
        extra = self._multi_matches(infos)
        out = doc.to_array(_WRITE).tolist()
        for i, info in enumerate(infos):
            writes, others = info.writes, info.others
            if i in extra:
                writes, others = _split(_merge(sorted(info.rules + extra[i], key=_order)))
            row = out[i]
            for col, value in writes:
                row[col] = value
            if others:
                set_token_attrs(doc[i], others)
        doc.from_array(_WRITE, numpy.array(out, dtype="uint64"))
        return doc


def _order(rule: _Rule | _Single) -> int:
    return rule[0]


def _merge(rules: list[_Rule]) -> dict[int, int]:
    """The rules' attributes applied in order: a later rule overrides an earlier one."""
    merged: dict[int, int] = {}
    for _, attrs in rules:
        merged.update(attrs)
    return merged
