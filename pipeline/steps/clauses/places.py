"""Where an event happened, read from the parse: a place in the trigger's own clause.

The window rule (the first place after the verb, else the sentence's last) reads a place in
another clause as the event's: "In a statement in Manila, North Korea called ..." got the
Afghanistan of a later clause, "the spokesperson said there have been attacks in Iraq" put
the statement in Iraq. Here a place counts only when the path from it up the parse to the
trigger stays inside the trigger's clause (no complement, relative or adverbial clause, no
coordinated verb on the way) and passes no other event's noun ("blamed Israel for an attack
on a base in Syria": Syria is where the attack was, not the blame); the nearest such place
wins. A trigger with no such place has none stated (`ClauseContext.location_of`).
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Token

from pipeline.steps.clauses.parse import lemma
from pipeline.steps.clauses.roles import ACT_NOUNS, GATHERINGS, ParsedSentence
from pipeline.steps.extraction.actors import Phrase

# Dependencies that open a clause of their own: a place below one is that clause's.
_CLAUSAL = frozenset({"ccomp", "relcl", "acl", "advcl", "xcomp", "parataxis", "csubj",
                      "csubjpass", "pcomp"})
_EVENT_NOUNS = ACT_NOUNS | GATHERINGS
_MODIFIERS = frozenset({"compound", "nmod", "amod", "poss"})
_MAX_HOPS = 8  # a bound on the walk; clauses end it sooner


def phrase_head(parsed: ParsedSentence, phrase: Phrase) -> Token | None:
    """The token heading a phrase in the parse (None: outside the parsed text)."""
    start, end = phrase.start - parsed.offset, phrase.end - parsed.offset
    if start < 0 or end <= start:
        return None
    span = parsed.doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def clause_hops(place: Token, trigger: Token) -> int | None:
    """Steps from a place up to the trigger within its clause, or None."""
    token, hops = place, 0
    while token.i != trigger.i:  # spaCy makes a new Token object at every access
        if token.dep_ in _CLAUSAL or (token.dep_ == "conj" and token.pos_ in ("VERB", "AUX")):
            return None
        if token.head.i == token.i or hops >= _MAX_HOPS:
            return None
        token, hops = token.head, hops + 1
        if token.i != trigger.i and token.pos_ == "NOUN" and lemma(token) in _EVENT_NOUNS:
            return None  # "blamed Israel for an attack on a base in Syria": the attack's place
    return hops


def clause_place(parsed: ParsedSentence, trigger: Token, places: Sequence[Phrase],
                 ) -> Phrase | None:
    """The place nearest the trigger in its own clause, if any (ties: the earlier)."""
    best: tuple[int, int, Phrase] | None = None
    for place in places:
        head = phrase_head(parsed, place)
        if head is None or (place.place is None and head.dep_ in _MODIFIERS):
            continue  # "fired at U.S. bases in Iraq": a country as modifier is not a place
        distance = clause_hops(head, trigger)
        if distance is not None and (best is None or (distance, place.start) < best[:2]):
            best = (distance, place.start, place)
    return best[2] if best else None
