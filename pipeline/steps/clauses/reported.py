"""What a speaker's words ask of another party: "Corbyn said May should resign" is a demand.

The CAMEO codebook codes a statement that another actor should or must do something as a
demand (DEMAND, 10) of that actor, whatever the speech verb ("said", "told reporters"). Read
from the parse: a speech verb with a speaker (its subject, an actor) governs a clause (a
that-clause, a quote) whose verb has the modal "should", "must" or "ought" and whose subject is
another actor. A first-person subject ("we must respond") is the speaker's own intent, not a
demand; a pronoun subject is left alone (who "they" are is a guess).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from pipeline.reference import cameo
from pipeline.steps.clauses.parse import lemma
from pipeline.steps.clauses.roles import ParsedSentence
from pipeline.steps.clauses.speech import FIRST_PERSON, SPEECH
from pipeline.steps.extraction.actors import Phrase
from pipeline.steps.extraction.verbs import VerbEntry, VerbMatch

_OBLIGATION = frozenset({"should", "must", "ought"})
_CONTENT = frozenset({"ccomp", "parataxis"})
# Only an active subject is asked to act: "Trump should not be trusted" asks nothing of him.
_SUBJECT = frozenset({"nsubj"})
# A target is looked for in the content's subject phrase, not inside its clauses.
_NOUN = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "parataxis", "conj",
                   "cc", "punct", "mark", "agent", "appos", "prep"})
_WORDS = re.compile(r"\b(?:should|must|ought)\b")


@dataclass(frozen=True, slots=True)
class Demand:
    """A speaker's demand of `target`, as a trigger at the speech verb."""

    verb: VerbMatch
    target: Phrase


def may_hold_demand(lowered: str, start: int, end: int) -> bool:
    """Whether the sentence [start, end) may hold such a demand (is it worth parsing)."""
    return _WORDS.search(lowered, start, end) is not None


def demands(parsed: ParsedSentence) -> list[Demand]:
    """The sentence's demands made in reported speech."""
    out: list[Demand] = []
    for token in parsed.doc:
        if token.pos_ != "VERB" or lemma(token).lower() not in SPEECH:
            continue
        for content in _contents(token):
            if not any(c.dep_ == "aux" and c.lower_ in _OBLIGATION for c in content.children):
                continue
            subjects = [c for c in content.children if c.dep_ in _SUBJECT]
            if not subjects or subjects[0].lower_ in FIRST_PERSON:
                continue
            target = parsed.actor_at(subjects[0], _NOUN)
            if target is None or target.how == "pronoun":
                continue
            start = parsed.offset + token.idx
            out.append(Demand(VerbMatch(start, start + len(token.text), token.text.lower(),
                                        (VerbEntry(code=cameo.DEMAND_UNSPECIFIED),)), target))
            break
    return out


def _contents(verb: Token) -> list[Token]:
    """The heads of what a speech verb reports: its clause complements, or the quote it
    closes ('"...," the minister said', where the parse hangs the verb on the quote)."""
    found = [c for c in verb.children if c.dep_ in _CONTENT]
    if verb.dep_ in _CONTENT and verb.head.i < verb.i and verb.head.pos_ in ("VERB", "AUX"):
        found.append(verb.head)
    return found
