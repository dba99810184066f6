"""Shared matching machinery: text normalisation and word-bounded Aho-Corasick matching.

Both the actor and the verb dictionaries are compiled into pyahocorasick automata once per
process; matching an article is one pass per automaton over the lower-cased body plus a cheap
boundary filter, so the cost does not grow with the size of the dictionaries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

import ahocorasick

# Same-length replacements only: offsets in the normalised text must equal offsets in the body.
_FOLDS = (("\u2019", "'"), ("\u2018", "'"), ("\u2010", "-"), ("\u2011", "-"), ("\u00a0", " "),
          ("\u201c", '"'), ("\u201d", '"'))


def normalise(text: str) -> str:
    """Lower-case `text` and fold typographic quotes/dashes, keeping every offset unchanged."""
    if text.isascii():
        return text.lower()  # fast path: nothing to fold, lower() keeps length
    # A handful of str.replace calls (C scans) beat str.translate with a dict, which does a
    # Python-level lookup per character of the whole article.
    folded = text
    for char, plain in _FOLDS:
        if char in folded:
            folded = folded.replace(char, plain)
    lowered = folded.lower()
    if len(lowered) != len(folded):
        # A few characters (e.g. "İ") lower-case to two code points; keep one to hold offsets.
        lowered = "".join(ch.lower()[0] for ch in folded)
    return lowered


def load_data(name: str) -> Any:
    """Parse a JSON file shipped in `reference/data/`."""
    path = resources.files(__package__).joinpath(f"data/{name}")
    return json.loads(path.read_text(encoding="utf-8"))


_NON_WORD = re.compile(r"[\W_]")
_ASCII_BOUNDARY = bytes(b if chr(b).isalnum() else 32 for b in range(128)) + bytes(range(128, 256))
# Latin-1 text ("£", "é") keeps one byte per character, so the same table trick applies.
_LATIN1_BOUNDARY = bytes(b if chr(b).isalnum() else 32 for b in range(256))
# Wide punctuation common in news copy, folded to spaces before trying Latin-1.
_WIDE_PUNCTUATION = ("\u2013", "\u2014", "\u2026", "\u20ac", "\u2022", "\u2032")


def boundary_text(lowered: str) -> str:
    """`lowered` with every non-alphanumeric character turned into a space, padded with one
    space each side. Keys are stored the same way, so a hit is word-bounded by construction
    and the automaton never reports "he" inside "the"."""
    if lowered.isascii():
        # bytes.translate is a C table lookup, several times faster than the regex.
        return " " + lowered.encode("ascii").translate(_ASCII_BOUNDARY).decode("ascii") + " "
    folded = lowered
    for char in _WIDE_PUNCTUATION:
        if char in folded:
            folded = folded.replace(char, " ")
    try:
        return " " + folded.encode("latin-1").translate(_LATIN1_BOUNDARY).decode("latin-1") + " "
    except UnicodeEncodeError:
        return " " + _NON_WORD.sub(" ", lowered) + " "


def _key(text: str) -> str:
    return " " + _NON_WORD.sub(" ", text.lower()).strip() + " "


def keyed(entries: Iterable[tuple[str, object]]) -> dict[str, object]:
    """(surface, payload) pairs by automaton key; a later duplicate keeps the first payload."""
    table: dict[str, object] = {}
    for raw, payload in entries:
        key = _key(raw)
        if key.strip() and key not in table:
            table[key] = payload
    return table


def build_automaton(entries: Iterable[tuple[str, object]]) -> ahocorasick.Automaton:
    """Compile (key, payload) pairs; a later duplicate key keeps the first payload."""
    automaton = ahocorasick.Automaton()
    for key, payload in keyed(entries).items():
        automaton.add_word(key, (len(key), payload))
    automaton.make_automaton()
    return automaton


def leftmost_longest(found: list[tuple[int, int, object]]) -> list[tuple[int, int, object]]:
    """(start, -length, payload) hits -> non-overlapping (start, end, payload), leftmost first
    and the longest among those starting at one offset."""
    found.sort(key=_start_then_longest)
    kept = []
    cursor = 0
    for start, negative_length, payload in found:
        if start >= cursor:
            cursor = start - negative_length - 2
            kept.append((start, cursor, payload))
    return kept


def _start_then_longest(match: tuple[int, int, object]) -> tuple[int, int]:
    return match[0], match[1]


def iter_matches(
    automaton: ahocorasick.Automaton, bounded: str
) -> Iterator[tuple[int, int, object]]:
    """Yield leftmost-longest, non-overlapping matches as (start, end, payload), with offsets
    into the unpadded text; `bounded` comes from `boundary_text`."""
    # Key = " word ... "; in the unpadded text the word spans [last-length+1, last-1). Sorting
    # on (start, -length) puts the longest match first among those starting at one offset.
    found = [(last - length + 1, -length, payload)
             for last, (length, payload) in automaton.iter(bounded)]
    found.sort(key=_start_then_longest)
    cursor = 0
    for start, negative_length, payload in found:
        if start >= cursor:
            cursor = start - negative_length - 2
            yield start, cursor, payload
