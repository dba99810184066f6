"""Verbs of the CAMEO dictionary that the lexicon does not know, coded only with both roles.

`reference/data/clause-verbs.json` (built by `scripts/build_clause_verbs.py` from PETRARCH2's
CAMEO verb dictionary, MIT) holds some 1,500 verb lemmas with their codes and object patterns.
A verb of the parse whose lemma is there becomes a trigger when no lexicon hit covers it; its
code is the most specific pattern that matches its object head and prepositional objects
("hammered out [the] agreement", "pressed [X] for concessions"), else its own code, else its
block's. Such a trigger counts only when the parse itself gives it an actor subject and an
actor object (`context`): a general verb is an event only between two parties. It is looked for
in the sentences parsed for another trigger (`extract._worth_parsing`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.tokens import Token

from pipeline.reference.lexicon import load_data
from pipeline.steps.clauses.parse import lemma
from pipeline.steps.clauses.roles import LIGHT_VERBS
from pipeline.steps.extraction.verbs import VerbEntry, VerbMatch

# Only conflictual roots: a general verb of demand, disapproval, rejection, threat, reduced
# relations, coercion or violence between two actors is that act; one of statement, appeal,
# consultation or co-operation ("joined", "handled", "dealing with") mostly is not
# (dev-set review: 8 of 34 such hits were events).
_CODED_ROOTS = frozenset({"10", "11", "12", "13", "16", "17", "18", "19", "20"})
Pattern = tuple[str | None, str | None, str | None, str]  # object, prep, prep object, code


@dataclass(frozen=True, slots=True)
class _Verb:
    after: tuple[str, ...]  # words that follow the verb in a multi-word verb ("meet with")
    code: str | None
    block_code: str | None
    patterns: tuple[Pattern, ...]


@functools.cache
def _table() -> dict[str, tuple[_Verb, ...]]:
    data = load_data("clause-verbs.json")
    blocks = data["blocks"]
    table: dict[str, tuple[_Verb, ...]] = {}
    for verb, entries in data["verbs"].items():
        table[verb] = tuple(
            _Verb(tuple(e["after"]), e["code"], blocks[e["block"]]["code"],
                  tuple(tuple(p) for p in blocks[e["block"]]["patterns"]))
            for e in entries)
    return table


def structural_hits(tokens: list[Token], offset: int,
                    taken: list[VerbMatch]) -> list[VerbMatch]:
    """Triggers for the sentence's dictionary verbs that no lexicon hit covers."""
    table = _table()
    out = []
    for token in tokens:
        if token.pos_ != "VERB":
            continue
        entries = table.get(lemma(token).lower())
        if not entries:
            continue
        start = offset + token.idx
        end = start + len(token.text)
        if any(v.start < end and start < v.end for v in taken) or _object_hit(token, offset,
                                                                             taken):
            continue
        code = _code(token, entries)
        if code is not None and code[:2] in _CODED_ROOTS and not _imperative(token):
            out.append(VerbMatch(start, end, token.text.lower(), (VerbEntry(code=code),)))
    return out


def _object_hit(token: Token, offset: int, taken: list[VerbMatch]) -> bool:
    """Whether a light verb's object is itself a trigger ("slapped tariffs on"): the verb is
    then no act of its own ("canceled a meeting" is)."""
    if lemma(token).lower() not in LIGHT_VERBS:
        return False
    for child in token.children:
        if child.dep_ == "dobj":
            start = offset + child.idx
            end = start + len(child.text)
            if any(v.start < end and start < v.end for v in taken):
                return True
    return False


def _imperative(token: Token) -> bool:
    """A bare verb with no subject of its own ("DO NOT KILL YOUR PROTESTERS") orders, it
    reports nothing."""
    return token.tag_ == "VB" and token.dep_ in ("ROOT", "ccomp", "parataxis") and not any(
        c.dep_ in ("nsubj", "nsubjpass") or c.lower_ == "to" for c in token.children)


def _code(token: Token, entries: tuple[_Verb, ...]) -> str | None:
    """The code of the entry the verb's particles select, refined by its patterns."""
    followers = [c.lower_ for c in token.children if c.dep_ in ("prt", "prep")]
    chosen = [e for e in entries if e.after and all(w in followers for w in e.after)]
    if not chosen and any(c.dep_ == "prt" for c in token.children):
        return None  # a particle the dictionary does not list changes the sense ("blew off")
    chosen = chosen or [e for e in entries if not e.after]
    if not chosen:
        return None
    entry = chosen[0]
    obj = next((lemma(c).lower() for c in token.children if c.dep_ == "dobj"), None)
    preps = {(c.lower_, lemma(g).lower()) for c in token.children if c.dep_ == "prep"
             for g in c.children if g.dep_ == "pobj"}
    best: tuple[int, str] | None = None
    for p_obj, prep, p_pobj, code in entry.patterns:
        if p_obj is not None and p_obj != obj:
            continue
        if prep is not None and (prep, p_pobj) not in preps:
            continue
        rank = (p_obj is not None) + (prep is not None)
        if best is None or rank > best[0]:
            best = (rank, code)
    if best is not None:
        return best[1]
    return entry.code or entry.block_code
