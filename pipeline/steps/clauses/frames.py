"""Light-verb frames: a verb and its object noun name the act together ("held an
unprecedented summit with", "slapped new tariffs on", "voiced his support for").

`reference/data/clause-frames.json` lists (verb lemmas, object head lemmas or prepositions,
CAMEO code). The lexicon matches such phrases only word for word ("hold a summit"); the parse
finds them with anything between the verb and its object. A frame is a trigger at its verb,
unless a lexicon hit covers the verb or the object already (then that hit and the light-verb
rule of `roles` code it); its roles come from the parse like any verb's.
"""

from __future__ import annotations

import functools

from spacy.tokens import Token

from pipeline.reference.lexicon import load_data
from pipeline.steps.clauses.parse import lemma
from pipeline.steps.clauses.roles import LIGHT_VERBS
from pipeline.steps.extraction.verbs import VerbEntry, VerbMatch, inflect


@functools.cache
def _frames() -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """{(verb, object): code}, {(verb, preposition): code}."""
    by_object: dict[tuple[str, str], str] = {}
    by_prep: dict[tuple[str, str], str] = {}
    for frame in load_data("clause-frames.json")["frames"]:
        for verb in frame["verbs"]:
            for obj in frame.get("objects", ()):
                by_object.setdefault((verb, obj), frame["code"])
            for prep in frame.get("preps", ()):
                by_prep.setdefault((verb, prep), frame["code"])
    return by_object, by_prep


@functools.cache
def verb_forms() -> frozenset[str]:
    """Inflected forms of the frames' verbs (which sentences are worth parsing)."""
    by_object, by_prep = _frames()
    return frozenset(f for verb, _ in (*by_object, *by_prep) for f in inflect(verb))


def frame_hits(tokens: list[Token], offset: int,
               taken: list[VerbMatch]) -> tuple[list[VerbMatch], list[VerbMatch]]:
    """(triggers for the sentence's light-verb frames, the lexicon hits they replace). A
    frame is more specific than a hit on its object alone: "lifted the arms embargo" is
    easing (085), not the embargo (163); a hit on the verb itself wins over the frame, unless the
    verb is a light verb and the frame is read from its object."""
    by_object, by_prep = _frames()
    out: list[VerbMatch] = []
    replaced: list[VerbMatch] = []
    for token in tokens:
        if token.pos_ != "VERB":
            continue
        verb = lemma(token).lower()
        code, covered, by_noun = None, [token], False
        for child in token.children:
            if child.dep_ == "dobj" and (verb, lemma(child).lower()) in by_object:
                code, covered = by_object[(verb, lemma(child).lower())], [token, child]
                by_noun = True
                break
            if child.dep_ in ("prep", "prt") and (verb, child.lower_) in by_prep and any(
                    g.dep_ == "pobj" for g in child.children):
                code = by_prep[(verb, child.lower_)]
                break
        if code is None:
            continue
        on_verb = _overlapping(token, offset, taken)
        verb_end = offset + token.idx + len(token.text)
        # A lexicon phrase that takes in the object, or a hit on the object itself ("launched
        # its first airstrikes": 195), is more specific than the frame.
        if on_verb and not (by_noun and verb in LIGHT_VERBS
                            and all(v.end <= verb_end for v in on_verb)
                            and not _overlapping(covered[1], offset, taken)):
            continue
        # A light verb means what its object says: "delivered a warning to Tehran" is a
        # threat, not the delivery the lexicon's "delivered" would code.
        replaced.extend(on_verb)
        for noun in covered[1:]:
            replaced.extend(_overlapping(noun, offset, taken))
        start = offset + token.idx
        out.append(VerbMatch(start, start + len(token.text), token.text.lower(),
                             (VerbEntry(code=code),)))
    return out, replaced


def _overlapping(token: Token, offset: int, taken: list[VerbMatch]) -> list[VerbMatch]:
    start = offset + token.idx
    end = start + len(token.text)
    return [v for v in taken if v.start < end and start < v.end]
