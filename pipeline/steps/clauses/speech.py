"""Reported speech in the parse: who speaks, what a speech act codes, who "we" is in a quote.

A speech verb's subject is the speaker; the clause it governs (`ccomp`: a that-clause or the
quote in '"...," the minister said') is what was said. Inside it a first-person subject ("we
will never negotiate", "I condemn") is the speaker's side. Two speech acts are events of their
own in the CAMEO codebook whatever the lexicon says: a warning (WARN, 130: aimed at the warned
party, "warned the United States against ...", else at whom the warning is about) and a denial
(016, deny responsibility). Plain statements ("said", 010) are not coded: careful coders mark
them optional and the event the statement reports is coded instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spacy.tokens import Token

from pipeline.reference import cameo
from pipeline.steps.clauses.parse import lemma
from pipeline.steps.extraction.actors import Phrase
from pipeline.steps.extraction.verbs import VerbEntry, VerbMatch

if TYPE_CHECKING:  # roles imports this module
    from pipeline.steps.clauses.roles import ParsedSentence

SPEECH = frozenset({"say", "tell", "state", "announce", "declare", "add", "insist", "claim",
                    "assert", "argue", "warn", "deny", "tweet", "write", "reply", "respond",
                    "stress", "reiterate", "confirm", "acknowledge", "admit", "note", "explain",
                    "vow", "pledge", "promise", "caution", "allege", "charge", "complain"})
FIRST_PERSON = frozenset({"we", "i"})
# Speech acts coded from the parse (lemma -> lexicon entry).
_ACTS = {
    "warn": VerbEntry(code=cameo.THREATEN_UNSPECIFIED),
    "caution": VerbEntry(code=cameo.THREATEN_UNSPECIFIED),
    "deny": VerbEntry(code=cameo.DENY_RESPONSIBILITY, intransitive=True),
}
# Words that may be a speech act the lexicon does not hit: such sentences are parsed too.
_ACT_WORDS = re.compile(r"\b(?:warn|cautio|den(?:y|ie))")
# The clause a speech verb governs, and how far up a content verb may be from it.
_CONTENT = frozenset({"ccomp", "parataxis"})
_MAX_CLIMB = 3


def governor(token: Token) -> Token | None:
    """The speech verb whose content clause `token` heads or lies in, if any."""
    current = token
    for _ in range(_MAX_CLIMB):
        if current.dep_ in _CONTENT or (current.dep_ == "conj" and current.head is not current):
            head = current.head
            if lemma(head) in SPEECH and current.dep_ in _CONTENT:
                return head
            current = head
            continue
        return None
    return None


def speech_acts(tokens: list[Token], offset: int, taken: list[VerbMatch]) -> list[VerbMatch]:
    """Hits for the speech acts in the sentence that the lexicon did not already hit."""
    out = []
    for token in tokens:
        entry = _ACTS.get(lemma(token))
        if entry is None or token.pos_ != "VERB":
            continue
        start = offset + token.idx
        end = start + len(token.text)
        if any(v.start < end and start < v.end for v in taken):
            continue
        out.append(VerbMatch(start, end, token.text.lower(), (entry,)))
    return out


def may_hold_act(lowered: str, start: int, end: int) -> bool:
    """Whether the sentence [start, end) of the lowered text may hold a speech act."""
    return _ACT_WORDS.search(lowered, start, end) is not None


_CONDITION_MARKS = frozenset({"if", "unless"})


def own_side_conditional(parsed: ParsedSentence, verb: VerbMatch, source: Phrase) -> bool:
    """Whether a conditional act is announced by its own side: under a speech verb whose
    speaker is the act's source ("Iran said it could strike"), or with its condition stated
    ("would close the strait if attacked"). "Experts said Iran could strike" is a forecast."""
    token = parsed.trigger(verb)
    if token is None:
        return False
    gov = governor(token)
    if gov is None:
        return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITION_MARKS
                                             for m in c.children) for c in token.children)
    for child in gov.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            speaker = parsed.actor_at(child)
            return speaker is not None and (speaker is source or (
                speaker.code is not None and speaker.code[:3] == (source.code or "")[:3]))
    return False
