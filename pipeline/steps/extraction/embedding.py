"""Embedded clauses whose acts did not (or not certainly) happen.

"demanded that Russia withdraw its troops", "called on the Security Council to impose
sanctions", "urged X to hold talks", "ordered the army to retake the town", "summoned the
ambassador to protest": the request (or order) is the event; the act it asks for is not, so
verb hits inside the complement are dropped. The addressee ("the Security Council") is the
request's target, never an actor of the complement. "warned that ...", "claimed that ...",
"feared that ...": the embedded clause is a forecast or a claim of uncertain status; only a
threat inside it ("warned that Iran would pay for it") is kept, as the speaker's.
"accused X of opening fire": the accusation is the event, the act it alleges is not, and the
accused (X) is its target.

Plain reporting verbs ("said", "told reporters that") are not triggers: wire copy reports
real events that way ("the army said troops had killed 10 militants").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.reference import cameo
from pipeline.steps.extraction.actors import Phrase
from pipeline.steps.extraction.event_rules import coordinated
from pipeline.steps.extraction.verbs import VerbMatch

# Verbs that ask, order or press someone to act (object control: "urged X to ...").
_REQUEST = (r"urg(?:e|es|ed|ing)|demand(?:s|ed|ing)?|call(?:s|ed|ing)?\s+(?:on|upon|for)|"
            r"ask(?:s|ed|ing)?|request(?:s|ed|ing)?|order(?:s|ed|ing)?|told|tell(?:s|ing)?|"
            r"instruct(?:s|ed|ing)?|press(?:es|ed|ing)?|pressur(?:e|es|ed|ing)|"
            r"persuad(?:e|es|ed|ing)|encourag(?:e|es|ed|ing)|invit(?:e|es|ed|ing)|"
            r"summon(?:s|ed|ing)?|appeal(?:s|ed|ing)?|implor(?:e|es|ed|ing)|"
            r"plead(?:s|ed|ing)?\s+with|petition(?:s|ed|ing)?|push(?:es|ed|ing)?\s+for|"
            r"insist(?:s|ed|ing)?|propos(?:e|es|ed|ing)|recommend(?:s|ed|ing)?|"
            r"authoriz(?:e|es|ed|ing)|authoris(?:e|es|ed|ing)")
# Verbs whose "that"-clause is a forecast, claim or belief, not a report of fact.
_UNCERTAIN = (r"warn(?:s|ed|ing)?|claim(?:s|ed|ing)?|alleg(?:e|es|ed|ing)|argu(?:e|es|ed|ing)|"
              r"fear(?:s|ed|ing)?|believ(?:e|es|ed|ing)|suggest(?:s|ed|ing)?|"
              r"predict(?:s|ed|ing)?|speculat(?:e|es|ed|ing)|suspect(?:s|ed|ing)?|"
              r"den(?:y|ies|ied|ying)|hop(?:e|es|ed|ing)|think(?:s|ing)?|thought|"
              r"worr(?:y|ies|ied)|doubt(?:s|ed)?")
_ACCUSE = r"accus(?:e|es|ed|ing)|blam(?:e|es|ed|ing)"
_TRIGGER = re.compile(rf"\b(?:(?P<req>{_REQUEST})|(?P<acc>{_ACCUSE})|(?P<unc>{_UNCERTAIN}))\b")
# Lemmas of every trigger's first word; `scan` finds their forms in the same automaton pass
# as the dictionaries, so sentences without one skip the regex (see `trigger_forms`).
_TRIGGER_LEMMAS = ("urge", "demand", "call", "ask", "request", "order", "tell", "told",
                   "instruct", "press", "pressure", "persuade", "encourage", "invite", "summon",
                   "appeal", "implore", "plead", "petition", "push", "insist", "propose",
                   "recommend", "authorize", "authorise", "accuse", "blame", "warn", "claim",
                   "allege", "argue", "fear", "believe", "suggest", "predict", "speculate",
                   "suspect", "deny", "hope", "think", "thought", "worry", "doubt")
REQUEST, ACCUSATION, CLAIM = "request", "accusation", "claim"
# Where the complement starts: "to" + a verb (not "to the ...", "to 2007", "to Britain") or
# "that"; within a bounded window of the same clause.
_TO_VERB = re.compile(r"\bto\s+(?!(?:the|a|an|his|her|its|their|this|these|those|our|your|"
                      r"my|some|all|any|every|each|no|more|be\s+(?:held|in|at))\b)[a-z]")
_THAT = re.compile(r"\bthat\b")
_OF_ACT = re.compile(r"\b(?:of|for)\s+(?:[a-z]+\s+)?[a-z]+ing\b")
# "warned that Pakistan would face consequences and summoned its envoy": a past-tense verb
# after "and" cannot continue a clause in the conditional; the main clause resumes there.
_MODAL = re.compile(r"\b(?:would|could|will|might|may|can)\b")
_AND_PAST = re.compile(r"\s+and\s+(?:then\s+|later\s+|also\s+)?(?:[a-z]+ed|sent|took|held|met|"
                       r"struck|gave|made|told|said|began|withdrew|fought|led|shot|brought|"
                       r"left|won|lost|broke|seized|threw|cut|put|hit|sought|froze)\b")
# An actor after a relative pronoun or "by" is inside a modifier of the addressee.
_MODIFIER = re.compile(r"\b(?:who|whom|which|whose|that|by)\b")
_WINDOW = 110
# Where it ends: a new clause or an adverbial clause of fact ("... after troops shelled X").
_END = re.compile(r";|:|\s[-\u2014]\s|\u2014|,\s*(?:and|but|while|whereas)\b|"
                  r"\b(?:after|because|since|following|amid|despite|when|whereas|while|but|"
                  r"which|who|whom|where|although|though|as\s+(?:the|a|an|it|they|he|she))\b")
# The addressee may carry a relative clause ("urging people who feel ignored to vote"): only a
# new clause closes the search for "to"/"that".
_OPEN_STOP = re.compile(r";|:|\s[-\u2014]\s|\u2014|,\s*(?:and|but|while|whereas)\b")
_QUESTION = re.compile(r"\s+(?:whether|if|how|why|what|about)\b")


@dataclass(frozen=True, slots=True)
class Complement:
    """An embedded clause (body offsets): [start, end) after a trigger at trigger_start."""

    trigger_start: int
    trigger_end: int
    start: int
    end: int
    kind: str
    # Where the addressee must lie: before "to" ("urged Iran to ..."), anywhere in a
    # "that"-clause ("demanded that Russia withdraw").
    addressee_end: int


def complements(sentence_lower: str, sentence_text: str, s0: int) -> list[Complement]:
    """The request and uncertain-claim complements of one sentence."""
    found: list[Complement] = []
    cursor = 0
    for m in _TRIGGER.finditer(sentence_lower):
        if m.start() < cursor or _QUESTION.match(sentence_lower, m.end()):
            continue  # "asked whether ...": a question, not a request
        kind = REQUEST if m.group("req") else ACCUSATION if m.group("acc") else CLAIM
        opening = _opening(sentence_lower, sentence_text, m, kind)
        if opening is None:
            continue
        start, addressee_first = opening
        end = _END.search(sentence_lower, start)
        end_at = end.start() if end else len(sentence_lower)
        # A gerund ("of orchestrating") or a conditional cannot go on with a past tense.
        modal = _MODAL.search(sentence_lower, start, end_at) if kind == CLAIM else None
        resume_from = start if kind == ACCUSATION else modal.end() if modal else None
        resumed = None if resume_from is None else _AND_PAST.search(sentence_lower,
                                                                    resume_from, end_at)
        if resumed is not None:
            end_at = resumed.start()
        found.append(Complement(s0 + m.start(), s0 + m.end(), s0 + start, s0 + end_at, kind,
                                s0 + (start if addressee_first else end_at)))
        cursor = end_at
    return found


def _opening(lower: str, text: str, m: re.Match[str], kind: str) -> tuple[int, bool] | None:
    """Where the complement of trigger `m` starts, and whether its addressee precedes it."""
    limit = min(len(lower), m.end() + _WINDOW)
    stop = _OPEN_STOP.search(lower, m.end(), limit)
    stop_at = stop.start() if stop else limit
    if kind == ACCUSATION:
        act = _OF_ACT.search(lower, m.end(), stop_at)
        return (act.start(), True) if act else None
    # "told reporters that ..." reports; "told the army to ..." orders.
    that = None if m.group(0).startswith(("told", "tell")) else _THAT.search(lower, m.end(),
                                                                            stop_at)
    to = _to_verb(lower, text, m.end(), stop_at) if kind == REQUEST else None
    if to is not None and (that is None or to < that.start()):
        return to, True
    if that is not None and (kind == REQUEST or that.start() - m.end() <= 40):
        return that.end(), False
    return None


def addressees(span: Complement, after: list[Phrase], lowered: str) -> list[Phrase]:
    """The actors that can be a request's or accusation's target: before the complement
    ("urged Iran to ...") and not inside a modifier ("urging people who feel ignored by
    Blair to vote")."""
    # In a "that"-clause the addressee is its subject: look for modifiers after "that".
    lead = span.trigger_end if span.addressee_end == span.start else span.start
    return [p for p in after if p.start < span.addressee_end
            and not _MODIFIER.search(lowered, lead, p.start)]


def _to_verb(lower: str, text: str, start: int, stop: int) -> int | None:
    """Offset of the infinitive "to" opening a complement, if any (a capitalised word after
    "to" is a place or name: "appealed to Britain")."""
    for m in _TO_VERB.finditer(lower, start, stop):
        if not text[m.end() - 1].isupper():
            return m.start()
    return None


def keeps(spans: list[Complement], verb: VerbMatch, root: str) -> bool:
    """Whether a verb hit is an event: outside every complement, or the speaker's threat
    phrased as a consequence in an uncertain one ("warned that X would pay for it"; not
    "argues that China could threaten Taiwan")."""
    span = containing(spans, verb.start)
    return span is None or (span.kind != REQUEST and root == cameo.THREATEN and verb.nominal)


def containing(spans: list[Complement], pos: int) -> Complement | None:
    """The complement a body offset lies in, if any."""
    for span in spans:
        if span.start <= pos < span.end:
            return span
    return None


def of_trigger(spans: list[Complement], verb_start: int, verb_end: int) -> Complement | None:
    """The complement opened by the trigger a verb hit overlaps ("urged", "called on")."""
    for span in spans:
        if span.trigger_start < verb_end and verb_start < span.trigger_end:
            return span
    return None


def speaker_roles(spans: list[Complement], verb: VerbMatch, before: list[Phrase],
                  after: list[Phrase], lowered: str,
                  ) -> tuple[list[Phrase], list[Phrase]] | None:
    """(sources, targets) of a threat inside "X warned that Y would pay for it": X's, at Y."""
    span = containing(spans, verb.start)
    if span is None:
        return None
    speakers = [p for p in before if p.end <= span.trigger_start]
    inner = [p for p in before if p.start >= span.start] or after[:1]
    if not speakers or not inner:
        return None
    return (coordinated(speakers[-1], speakers, lowered, False),
            coordinated(inner[0], before + after, lowered, True))


def trigger_forms() -> list[str]:
    """Every inflected first word a trigger can start with (over-generated)."""
    forms: set[str] = set()
    for lemma in _TRIGGER_LEMMAS:
        stem = lemma[:-1] if lemma.endswith(("e", "y")) else lemma
        forms |= {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", stem + "ing",
                  stem + "ed", stem + "es", stem + "ies", stem + "ied", stem + "ying",
                  lemma + "ing", stem + "ying"}
    found = {f for f in forms if _TRIGGER.fullmatch(f) or _TRIGGER.match(f + " on")
             or _TRIGGER.match(f + " with") or _TRIGGER.match(f + " for")}
    return sorted(found)


def any_between(starts: Sequence[int], s0: int, s1: int) -> bool:
    """Whether a sorted list of offsets has one in [s0, s1)."""
    i = bisect_left(starts, s0)
    return i < len(starts) and starts[i] < s1
