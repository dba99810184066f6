"""Verb lexicon: surface forms (inflected verbs and event nouns) mapped to CAMEO codes.

`reference/data/verbs.json` lists phrases by lemma; the first word of each is inflected here
(regular -s/-ed/-ing forms are over-generated, which is harmless: a non-word never matches).
Several entries may share a surface form ("sign" + agreement -> 057); they are tried in file
order and an entry with a cue applies only when one of its cue words is in the sentence.
This module owns the lexicon's compilation, the matching of its forms in an article
(`find_verbs`) and the choice among a form's entries (`choose_entry`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from pipeline.reference.lexicon import build_automaton, iter_matches, load_data
from pipeline.steps.extraction.text import ArticleText

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "meet": ("met",), "hold": ("held",), "send": ("sent",), "give": ("gave", "given"),
    "fly": ("flew", "flown"), "strike": ("struck",), "fight": ("fought",),
    "withdraw": ("withdrew", "withdrawn"), "break": ("broke", "broken"), "speak": ("spoke",),
    "take": ("took", "taken"), "seek": ("sought",), "lay": ("laid",), "go": ("went", "gone"),
    "forgive": ("forgave", "forgiven"), "bring": ("brought",), "make": ("made",),
    "lead": ("led",), "cut": ("cut",), "put": ("put",), "shut": ("shut",), "hit": ("hit",),
    "sell": ("sold",), "buy": ("bought",), "shoot": ("shot",), "beat": ("beaten",),
    "swear": ("swore", "sworn"), "hang": ("hung", "hanged"), "overthrow": ("overthrew",),
}
_IRREGULAR_FORMS = frozenset(f for forms in _IRREGULAR.values() for f in forms)
_ES_ENDINGS = ("s", "sh", "ch", "x", "z", "o")
_VOWELS = "aeiou"
# The code of entries that block a form rather than code it ("seize on", "protest leaders").
_BLOCKING = "-"


@dataclass(frozen=True, slots=True)
class VerbEntry:
    """One lexicon entry a surface form can stand for."""

    code: str
    cues: tuple[str, ...] = ()
    cues_not: tuple[str, ...] = ()
    intransitive: bool = False
    # Code to use instead when the event turns out to have a target ("fired a missile" is a
    # show of force, "fired missiles at Israel" an attack).
    target_code: str | None = None
    cue_re: re.Pattern[str] | None = field(default=None, compare=False)
    cue_not_re: re.Pattern[str] | None = field(default=None, compare=False)
    # The same cues for set lookups: single words, and multi-word phrases as " a b ".
    cue_words: frozenset[str] = field(default=frozenset(), compare=False)
    cue_phrases: tuple[str, ...] = field(default=(), compare=False)
    cue_not_words: frozenset[str] = field(default=frozenset(), compare=False)
    cue_not_phrases: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class VerbMatch:
    """A verb-lexicon hit in the body (offsets into the body)."""

    start: int
    end: int
    surface: str
    entries: tuple[VerbEntry, ...]
    nominal: bool = False


def inflect(word: str) -> set[str]:
    """Regular (over-generated) and irregular forms of a verb."""
    forms = {word, *_IRREGULAR.get(word, ())}
    if word.endswith("y") and len(word) > 2 and word[-2] not in _VOWELS:
        stem = word[:-1]
        forms |= {stem + "ies", stem + "ied", word + "ing"}
        return forms
    forms.add(word + ("es" if word.endswith(_ES_ENDINGS) else "s"))
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    else:
        forms |= {word + "ed", word + "ing"}
        if len(word) >= 3 and word[-1] not in _VOWELS + "wxy" and word[-2] in _VOWELS \
                and word[-3] not in _VOWELS:
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # ban -> banned
    return forms


def _phrase_forms(phrase: str) -> set[str]:
    first, _, rest = phrase.partition(" ")
    return {f"{form} {rest}".strip() for form in inflect(first)}


def _split_cues(words: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """Cues as (single words, " multi word " phrases), matched against `SentenceWords`;
    cues with punctuation ("cease-fire") stay with the regex."""
    plain = [w for w in words if _PLAIN_CUE.match(w)]
    return (frozenset(w for w in plain if " " not in w),
            tuple(f" {w} " for w in plain if " " in w))


_PLAIN_CUE = re.compile(r"^[a-z0-9]+(?: [a-z0-9]+)*$")


def _word_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


def _is_nominal(form: str, verb_forms: set[str]) -> bool:
    """Event nouns ("talks", "airstrikes", "invasion of", "missile strikes") as opposed to verb
    forms ("met", "held talks", "took to the streets"): they need their actor close by."""
    first = form.split(" ", 1)[0]
    if " to " in form:
        return False  # "willingness to negotiate" carries a verb and its own object
    return (form not in verb_forms and first not in verb_forms and not first.endswith("ed")
            and first not in _IRREGULAR_FORMS)


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    return build_automaton(verb_entries())


def verb_entries() -> list[tuple[str, tuple[tuple[VerbEntry, ...], bool]]]:
    """(surface form, (entries, nominal)) for every verb-lexicon form."""
    by_form: dict[str, list[VerbEntry]] = {}
    verb_forms: set[str] = set()
    exact_forms: set[str] = set()
    for raw in load_data("verbs.json")["entries"]:
        cues, cues_not = tuple(raw.get("cue", ())), tuple(raw.get("cue_not", ()))
        words, phrases = _split_cues(cues)
        not_words, not_phrases = _split_cues(cues_not)
        entry = VerbEntry(
            code=raw["code"], cues=cues, cues_not=cues_not,
            intransitive=bool(raw.get("intrans", False)), target_code=raw.get("target_code"),
            cue_re=_word_regex(tuple(c for c in cues if not _PLAIN_CUE.match(c))),
            cue_not_re=_word_regex(tuple(c for c in cues_not if not _PLAIN_CUE.match(c))),
            cue_words=words, cue_phrases=phrases, cue_not_words=not_words,
            cue_not_phrases=not_phrases,
        )
        forms: set[str] = {x.lower() for x in raw.get("x", ())}
        exact_forms |= forms
        for phrase in raw.get("v", ()):
            inflected = _phrase_forms(phrase)
            verb_forms |= inflected
            forms |= inflected
        for form in forms:
            bucket = by_form.setdefault(form.lower(), [])
            if entry not in bucket:
                bucket.append(entry)
    _add_plurals(by_form, exact_forms, verb_forms)
    for form, entry in _cameo_forms():
        if form not in by_form:
            by_form[form] = [entry]
            verb_forms.add(form)
    return [(form, (tuple(entries), _is_nominal(form, verb_forms) and form in exact_forms))
            for form, entries in by_form.items()]


# Last words of exact forms that are not the event noun ("attack on", "pay dearly").
_NOT_NOUNS = frozenset({"on", "against", "with", "between", "of", "into", "at", "in", "for",
                        "to", "around", "down", "from", "over", "by", "up", "out", "off", "it",
                        "dearly", "guilty", "asylum",
                        # "explosions damaged the tanker": mostly reported with no doer
                        "explosion"})


def _add_plurals(by_form: dict[str, list[VerbEntry]], exact_forms: set[str],
                 verb_forms: set[str]) -> None:
    """The regular plural of each event noun listed in the singular ("apologies", "phone
    calls", "drone attacks"), coded as the singular, unless the lexicon lists it itself."""
    for form in sorted(exact_forms):
        last = form.rsplit(" ", 1)[-1]
        if not _is_nominal(form, verb_forms) or last in _NOT_NOUNS or not last.isalpha() \
                or last.endswith(("s", "ed", "ing")):
            continue
        plural = form[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in _VOWELS \
            else form + ("es" if last.endswith(_ES_ENDINGS) else "s")
        if plural not in by_form:
            by_form[plural] = list(by_form[form])
            exact_forms.add(plural)


def _cameo_forms() -> list[tuple[str, VerbEntry]]:
    """(surface form, entry) of the CAMEO dictionary's verbs (`cameo-verbs.json`, built by
    `scripts/build_cameo_verbs.py`); they need a target like the lexicon's transitive verbs."""
    out: list[tuple[str, VerbEntry]] = []
    for raw in load_data("cameo-verbs.json")["verbs"]:
        entry = VerbEntry(code=raw["code"])
        for form in _phrase_forms(raw["verb"]) | set(raw["forms"]):
            out.append((form, entry))
    return out


def find_verbs(text: ArticleText,
               hits: Iterable[tuple[int, int, object]] | None = None) -> list[VerbMatch]:
    """All verb-lexicon hits, leftmost-longest (`hits` when already scanned, see `scan`).
    Capitalised hits are kept only at a sentence start, so "March" the month or "Strike" in a
    name are not read as verbs."""
    body, lowered = text.body, text.lowered
    matches: list[VerbMatch] = []
    if hits is None:
        hits = iter_matches(_automaton(), text.bounded)
    for start, end, (entries, nominal) in hits:  # type: ignore[misc]
        if body[start].isupper():
            before = body[max(0, start - 3):start].rstrip()
            if before and before[-1] not in ".!?\"'\n\u201c":
                continue
        matches.append(VerbMatch(start, end, lowered[start:end], entries, nominal))
    return matches


class SentenceWords:
    """A sentence's words as a set plus its padded boundary text, for cue lookups."""

    __slots__ = ("end", "lower", "padded", "start", "text", "words")

    def __init__(self, text: ArticleText, start: int, end: int, sentence_lower: str) -> None:
        self.text, self.start, self.end = text, start, end
        self.lower = sentence_lower
        # Cut from the article's boundary text on the first cue test; most hits have no cue.
        self.padded = ""
        self.words: frozenset[str] = frozenset()

    def has(self, words: frozenset[str], phrases: tuple[str, ...],
            regex: re.Pattern[str] | None) -> bool:
        """Whether the sentence holds one of `words`, one of the " padded " `phrases`, or a
        match of `regex`."""
        if not self.padded:
            self.padded = self.text.sentence_bounded(self.start, self.end)
            self.words = frozenset(self.padded.split())
        return (not self.words.isdisjoint(words) or any(p in self.padded for p in phrases)
                or (regex is not None and regex.search(self.lower) is not None))


def choose_entry(match: VerbMatch, sentence: SentenceWords) -> VerbEntry | None:
    """The first entry of a hit whose cue condition holds in the sentence, if any (None also
    when that entry blocks the form)."""
    for entry in match.entries:
        if entry.cues and not sentence.has(entry.cue_words, entry.cue_phrases, entry.cue_re):
            continue
        if entry.cues_not and sentence.has(entry.cue_not_words, entry.cue_not_phrases,
                                           entry.cue_not_re):
            continue
        return None if entry.code == _BLOCKING else entry
    return None
