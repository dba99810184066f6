"""Sentence splitting with character offsets into the original body."""

from __future__ import annotations

import re

# A boundary: terminal punctuation (plus closing quotes/brackets) then whitespace before an
# upper-case letter, digit or opening quote; or a line break.
_BOUNDARY = re.compile(
    r"(?=[.!?\n])(?:[.!?]+[\"'\u2019\u201d)\]]*\s+(?=[\"'\u2018\u201c(\[]?[A-Z0-9])|\n+)")
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "capt", "rev", "prof", "sen",
    "rep", "gov", "u.s", "u.k", "u.n", "e.u", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "no", "vs", "etc", "inc", "ltd", "co", "jr", "sr",
    "mt", "ft", "fig", "approx", "dept", "maj", "adm", "cmdr", "brig",
})
_LAST_WORD = re.compile(r"([\w.]+)$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split `text` into sentences, returned as (start, end) offsets with whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0)[0] == ".":
            word = _LAST_WORD.search(text, max(0, m.start() - 12), m.start())
            if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        end = m.start() + len(m.group(0).rstrip())
        _append(text, spans, start, end)
        start = m.end()
    _append(text, spans, start, len(text))
    return spans


def _append(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
