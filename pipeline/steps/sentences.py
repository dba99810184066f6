"""Sentence splitting with character offsets into the original body."""

from __future__ import annotations

import re

# A boundary: terminal punctuation (plus closing quotes/brackets) then whitespace before an
# upper-case letter, digit or opening quote; or a line break.
# It starts with a character class so that the regex engine scans for it in C.
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*[\"'\u2019\u201d)\]]*\s+"
                       r"(?=[\"'\u2018\u201c(\[]?[A-Z0-9])|(?<=\n)\n*)")
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "capt", "rev", "prof", "sen",
    "rep", "gov", "u.s", "u.k", "u.n", "e.u", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "no", "vs", "etc", "inc", "ltd", "co", "jr", "sr",
    "mt", "ft", "fig", "approx", "dept", "maj", "adm", "cmdr", "brig",
})
# The word before a full stop is an abbreviation or a single letter ("Mr.", "J."): one regex
# anchored at the full stop. A window start that is not the string's start never matches
# "^", just as a word longer than the window is no abbreviation.
_ABBREVIATED = re.compile(r"(?:^|[^\w.])(?:" + "|".join(
    re.escape(a) for a in sorted(_ABBREVIATIONS, key=len, reverse=True)) + r"|[\w.])$",
    re.IGNORECASE)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split `text` into sentences, returned as (start, end) offsets with whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        at = m.start()
        if text[at] == "." and _ABBREVIATED.search(text, max(0, at - 12), at):
            continue
        _append(text, spans, start, at + len(m.group(0).rstrip()))
        start = m.end()
    _append(text, spans, start, len(text))
    return spans


def _append(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    # str.strip on the slice trims in C; the offsets follow from the lengths.
    segment = text[start:end]
    inner = segment.lstrip()
    if inner:
        start += len(segment) - len(inner)
        spans.append((start, start + len(inner.rstrip())))
