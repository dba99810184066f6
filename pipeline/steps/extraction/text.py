"""The article text every extraction component reads: `ArticleText`, built once per article.

It holds the body, its normalised form, the word-boundary text the automata scan, and the
sentence spans. Normalising keeps every offset, so one body offset indexes all three strings
(the boundary text is padded by one space at the front: body offset i is `bounded[i + 1]`).
Sentence splitting lives here too: the spans are part of the text, not of any one component.
A "sentence" longer than `MAX_SENTENCE_CHARS` (a list, a table, scraped debris: news sentences
are far shorter) is cut into pieces at spaces, because the per-sentence rules compare every
verb with every actor of the sentence and one 30,000-word run-on would take minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.reference.lexicon import boundary_text, normalise

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


MAX_SENTENCE_CHARS = 1000
# A scraped link card (The Hill): a name repeated in full, glued to the headlines of the
# person's other stories, ending "MORE" ("President Donald Trump Donald John TrumpGOP
# senators balk at ... votes MORE has removed ..."). Its headlines are no part of the text.
_LINK_CARD = re.compile(r"\b([A-Z][A-Za-z'\u2019-]*[a-z])\s+((?:[A-Z(][\w.()'\u2019-]*\s+){1,4}\1)"
                        r"(?=[A-Z0-9])[^\n]{0,700}? MORE\b")


def mask_link_cards(body: str) -> str:
    """`body` with scraped link cards blanked out (spaces: every offset stays)."""
    if " MORE" not in body:
        return body
    return _LINK_CARD.sub(lambda m: m.group(1) + body[m.end(1):m.start(2)]
                          + " " * (m.end() - m.start(2)), body)


@dataclass(frozen=True, slots=True)
class ArticleText:
    """One article's text in the forms the components need, each built once."""

    body: str
    lowered: str  # `normalise(body)`: lower-case, typographic quotes folded, same offsets
    bounded: str  # `boundary_text(lowered)`: non-alphanumerics as spaces, one space each side
    sentences: tuple[tuple[int, int], ...]  # (start, end) body offsets, whitespace trimmed
    starts: tuple[int, ...]  # the sentences' start offsets, for bisecting

    @classmethod
    def of(cls, body: str) -> ArticleText:
        lowered = normalise(body)
        sentences = tuple(split_sentences(body))
        return cls(body, lowered, boundary_text(lowered), sentences,
                   tuple(s for s, _ in sentences))

    def sentence_bounded(self, start: int, end: int) -> str:
        """`boundary_text` of the sentence [start, end), cut from the article's: the mapping
        is per character, and the characters either side of a sentence are whitespace (or the
        padding), which map to the padding spaces."""
        return self.bounded[start:end + 2]


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
    if any(end - begin > MAX_SENTENCE_CHARS for begin, end in spans):
        spans = [piece for span in spans for piece in _pieces(text, *span)]
    return spans


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) in spans of at most MAX_SENTENCE_CHARS, cut at the last space before the
    limit (or at the limit when a piece holds none)."""
    out: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        _append(text, out, start, cut)
        start = cut
    _append(text, out, start, end)
    return out


def _append(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    # str.strip on the slice trims in C; the offsets follow from the lengths.
    segment = text[start:end]
    inner = segment.lstrip()
    if inner:
        start += len(segment) - len(inner)
        spans.append((start, start + len(inner.rstrip())))
