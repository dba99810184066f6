"""Small syntactic tests the extractor applies around a verb hit.

Each function answers one question about the text near a verb (is it passive? a casualty
clause? an adjective? part of an attribution?) with a bounded regex on a short window, so the
cost per verb is constant however large the dictionaries grow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.reference import cameo
from pipeline.steps.extraction.actors import COUNTRY, PERSON, SELF_TARGET_HEADS, Phrase
from pipeline.steps.extraction.verbs import VerbEntry, VerbMatch

PASSIVE_AUX = re.compile(r"\b(?:is|are|was|were|been|being|be|get|got)\s+(?:\w+ly\s+)?$")
BY_AGENT = re.compile(r"\s+by\s+(?:the\s+)?")
_PARTICIPLE_END = ("ed", "en", "wn")
_PARTICIPLES = frozenset({"met", "sent", "held", "struck", "cut", "hit", "shot", "led", "laid",
                          "fought", "sought", "freed"})
# List separators, optionally after a time phrase: "Hegseth on Wednesday and Congressional ..."
# or before an article and one modifier: "Sudan's army and the paramilitary Rapid Support ...".
_COORD_GAP = re.compile(r"^(?:\s+(?:on|by|until|this|next)\s+[a-z]+(?:\s+[a-z]+)?)?"
                        r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+(?:the\s+(?:[a-z-]+\s+)?)?|\s+or\s+|"
                        r"\s+as well as\s+)$")
_CLAUSE_BREAK = re.compile(r"[,;:\u2014]|\s-\s")
# An event noun's or bare protest's actor must stand this close before it, in the same clause.
_NOMINAL_SOURCE_GAP = 45
_TOLL_ROOTS = frozenset({cameo.ASSAULT, cameo.FIGHT, cameo.MASS_VIOLENCE})
_TOLL_LEAD = re.compile(r",\s*(?:and\s+)?$")
_WORD_BEFORE = re.compile(r"\b([a-z]+)\s+$")
# "U.S.-led", "Iran-backed", "Western-funded": a participle joined to a name by a hyphen
# describes its noun. Word prefixes make verbs ("re-imposed", "counter-attacked").
_HYPHENATED = re.compile(r"([a-z.]+)-$")
_VERB_PREFIXES = frozenset({"re", "co", "pre", "counter", "de", "mis", "over", "under", "out",
                            "cross", "non", "anti", "self", "inter", "multi", "dis", "un"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "this", "these",
                          "those", "some", "many", "all", "including", "of", "two", "three",
                          "several", "other", "newly", "recently", "previously", "allegedly"})
_ARTICLES = frozenset({"the", "a", "an", "its", "their", "this", "that", "his", "her"})
# A trailing attribution clause: ", the defence ministry in Ankara said." / ", officials said".
_ATTRIBUTION = re.compile(r",[^,]{0,80}?\b(?:said|says|told|reported|announced|added|"
                          r"according to|quoted)\b[^,]{0,40}[.!?\"']*$")
_ATTRIBUTION_SPAN = 140  # ", " + 80 + the longest keyword (12) + 40, with a margin
# "M23 rebels backed by Rwanda seized Goma": the backer modifies the subject; it is not it.
_MODIFIER_AGENT = re.compile(r"\b(?:backed|led|supported|funded|armed|sponsored|aided)\s+by\s+"
                             r"(?:the\s+)?$")
# "Smotrich, leader of the Religious Zionism party, threatened ...": the subject is the person
# before the appositive, not the noun inside it.
_APPOSITIVE = re.compile(r",\s+(?:the\s+|a\s+)?(?:leader|head|chief|member|founder|spokesman|"
                         r"spokeswoman|minister|commander|chairman|chairwoman|secretary|president|"
                         r"ally|envoy)\b[^,]{0,60},\s*(?:[a-z]+\s+){0,3}$")
# "Poland accused Belarus ... and sent troops": a second verb sharing the first one's subject.
_SHARED_SUBJECT = re.compile(r"(?:,\s*|\s+)and\s+(?:(?:also|then|later|later\s+that\s+day)\s+)?$")
# "The two leaders agreed to expand military cooperation": agreeing to co-operate later is an
# expressed intent (CAMEO 03) that happened now, not the co-operation itself.
_AGREED_TO = re.compile(r"\bagree[sd]?\s+to\s+(?:[a-z]+\s+){0,2}$")
_INTENT_ROOTS = frozenset({cameo.CONSULT, cameo.DIPLOMATIC_COOPERATION,
                           cameo.MATERIAL_COOPERATION, cameo.PROVIDE_AID})
# "Poland accused Belarus ..., accusing X of": a participial adjunct shares the subject.
_PARTICIPIAL = re.compile(r",\s*$")
# The object of a verb lies in its own clause: not past a semicolon, colon, dash or bracket.
_STRONG_BREAK = re.compile(r"[;:(\u2014]|\s-\s")
# "arrested on their return to the UK": a place phrase is no agent of a passive.
_RELATIVE = re.compile(r"\b(?:who|which)\b")
_VERB_LEAD = re.compile(r"\b(?:which|who|that|also|still|now|often|[a-z]+ly)\s+$")
_PLACE_BEFORE = re.compile(r"\b(?:to|from|in|at|into|on|near)\s+(?:the\s+)?(?:[a-z-]+\s+)?$")
# Roles that do not protest: "police ... turn protesters away" is no police protest.
_STATE_ROLES = frozenset({"GOV", "MIL", "COP", "JUD"})
# Roles a country's own bare name may be the target of ("protesters ... in Kenya" -> KEN).
_DOMESTIC_ROOTS = frozenset({cameo.PROTEST, cameo.COERCE, cameo.ASSAULT})
# A response verb followed by "by" is passive ("was rejected by"); its roles come from the
# sentence, never from the story.
_PASSIVE_BY = re.compile(r"\s+by\b")


def is_passive_form(verb: VerbMatch) -> bool:
    first = verb.surface.split()[0]
    return first.endswith(_PARTICIPLE_END) or first in _PARTICIPLES


def coordinated_gap(lowered: str, left: Phrase, right: Phrase) -> bool:
    """Whether `left` and `right` are members of one list ("X, Y and the Z")."""
    if left.start == right.start:
        return True  # "the two leaders" split into two phrases on one span
    return bool(_COORD_GAP.match(lowered[left.end:right.start]))


def coordinated(first: Phrase, actors: Sequence[Phrase], lowered: str,
                forward: bool) -> list[Phrase]:
    """`first` plus the actors joined to it by commas/and/or, in text order."""
    group = [first]
    index = actors.index(first)
    step = 1 if forward else -1
    while 0 <= index + step < len(actors):
        nxt = actors[index + step]
        left, right = (group[-1], nxt) if forward else (nxt, group[-1])
        if not coordinated_gap(lowered, left, right):
            break
        group.append(nxt)
        index += step
    return group if forward else group[::-1]


def is_consequence(verb: VerbMatch, entry: VerbEntry, lowered: str) -> bool:
    """", killing 33 people" after an attack verb gives the toll of that attack, not a second
    event."""
    return (entry.code[:2] in _TOLL_ROOTS and verb.surface.split()[0].endswith("ing")
            and bool(_TOLL_LEAD.search(lowered, max(0, verb.start - 12), verb.start)))


def may_target(source: Phrase, target: Phrase) -> bool:
    """An actor is not its own target, except for collective nouns of its own side ("threatened
    to leave the coalition")."""
    return (target.code != source.code or target.head in SELF_TARGET_HEADS
            or _two_people(source, target))


def _two_people(source: Phrase, target: Phrase) -> bool:
    """Two persons named in full, or by the surnames of two named earlier, are two actors
    even when they hold the same kind of office ("President Barack Obama criticized Trump",
    "Trump attacked Obama"); a pronoun or a title is not a new person."""
    if PERSON not in source.kinds or PERSON not in target.kinds:
        return False
    if not (_named_person(source) and _named_person(target)):
        return False
    a, b = source.text.lower(), target.text.lower()
    return a not in b and b not in a


def _named_person(phrase: Phrase) -> bool:
    return phrase.how == "explicit" or (phrase.how == "alias" and phrase.person)


def is_adjectival(verb: VerbMatch, lowered: str, sentence_start: int) -> bool:
    """A participle used as an adjective ("convicted terrorists", "the detained leader")
    names no event."""
    first = verb.surface.split()[0]
    if " " in verb.surface or verb.nominal:
        return False
    joined = _HYPHENATED.search(lowered, max(sentence_start, verb.start - 20), verb.start)
    if joined and joined.group(1).strip(".") not in _VERB_PREFIXES:
        return True
    m = _WORD_BEFORE.search(lowered, max(sentence_start, verb.start - 20), verb.start)
    if not m:
        return False
    if first.endswith(_PARTICIPLE_END):
        return m.group(1) in _DETERMINERS
    # A bare verb form after an article is a noun: "condemned the strike", "a raid".
    return m.group(1) in _ARTICLES


def attribution_start(sentence_lower: str) -> int | None:
    """Offset (in the sentence) of a trailing ", X said." clause, if any."""
    # The clause is at most ~135 characters before the closing punctuation: search only there.
    tail = len(sentence_lower.rstrip(".!?\"'")) - _ATTRIBUTION_SPAN
    m = _ATTRIBUTION.search(sentence_lower, max(0, tail))
    return m.start() if m else None


def is_modifier_agent(phrase: Phrase, lowered: str) -> bool:
    """True for the agent of a reduced passive modifying a noun ("rebels backed by Rwanda")."""
    start = max(0, phrase.start - 24)
    # A plain substring test first: most actors have no "by" before them.
    return lowered.find(" by ", start, phrase.start) >= 0 and bool(
        _MODIFIER_AGENT.search(lowered, start, phrase.start))


def subject_before_appositive(before: Sequence[Phrase], verb: VerbMatch,
                              lowered: str) -> Phrase | None:
    """The actor an appositive describes, when the nearest actor sits inside that appositive."""
    if len(before) < 2:
        return None
    head = before[-2]
    return head if _APPOSITIVE.match(lowered[head.end:verb.start]) else None


def shares_subject(verb: VerbMatch, lowered: str, previous_verb_end: int) -> bool:
    """"X accused Y of ... and sent troops": `verb` opens a second predicate of the previous
    verb's subject (an "and" right before it, no new subject in between)."""
    window = lowered[max(previous_verb_end, verb.start - 30):verb.start]
    if verb.surface.split()[0].endswith("ing") and _PARTICIPIAL.search(window):
        return True
    return bool(_SHARED_SUBJECT.search(window))


def takes_act_object(verb: VerbMatch, lowered: str) -> bool:
    """Whether the verb's object is an act or is left unstated ("condemned the coup", "vowed to
    retaliate"), so that the other party comes from the story rather than the sentence."""
    return not _PASSIVE_BY.match(lowered, verb.end)


def agreed_intent(pre_clause: str, root: str) -> bool:
    """Whether a co-operative event is only agreed to ("agreed to expand cooperation")."""
    return root in _INTENT_ROOTS and bool(_AGREED_TO.search(pre_clause[-60:]))


def stand_in(verb: VerbMatch, text: str, country: str) -> Phrase:
    """A country-level party the sentence implies but does not name (a place's country)."""
    return Phrase(verb.start, verb.start, text, {COUNTRY}, country=country, how="location")


def author_of_last_act(source: Phrase,
                       history: Sequence[tuple[Phrase, Phrase | None]]) -> Phrase | None:
    """Who did the act a response answers ("Seoul condemned the launch"): the last actor that
    acted on the responder, else the last actor that did anything, other than the responder.
    `history` holds the (source, target) of every earlier event in the article."""
    key = source.org or source.country
    for acted, target in reversed(history):
        if target is not None and (target.org or target.country) == key \
                and acted.code != source.code:
            return acted
    for acted, _ in reversed(history):
        if acted.code != source.code:
            return acted
    return None


def noun_like(verb: VerbMatch, phrases: Sequence[Phrase], lowered: str) -> bool:
    """Event nouns, and plural forms not right after an actor ("the 11 September attacks"
    as against "Russia attacks"): they need their actor close by."""
    if verb.nominal:
        return True
    surface = verb.surface
    if " " in surface or not surface.endswith("s") or surface.endswith("ss"):
        return False
    if _VERB_LEAD.search(lowered, max(0, verb.start - 12), verb.start):
        return False  # "Turkey, which occupies", "Moscow also attacks"
    return not any(0 <= verb.start - p.end <= 2 for p in phrases)


def clause_end(lowered: str, start: int, limit: int, clause_start: int) -> int:
    """Where the clause a verb opens at `start` ends (at most `limit`); a relative clause
    ("Straw, who will hold talks in Beijing, said ...") ends at its comma."""
    m = _STRONG_BREAK.search(lowered, start, limit)
    if _RELATIVE.search(lowered, clause_start, start):
        m = _CLAUSE_BREAK.search(lowered, start, limit)
    return m.start() if m else limit


def clause_start(lowered: str, sentence_start: int, pos: int) -> int:
    """Where the clause holding `pos` starts: after the sentence's last clause break before it."""
    last = sentence_start
    for m in _CLAUSE_BREAK.finditer(lowered, sentence_start, pos):
        last = m.end()
    return last


def close_subject(source: Phrase, verb: VerbMatch, lowered: str) -> bool:
    """Whether `source` is close enough to an event noun or bare protest to be its actor."""
    if source.start >= verb.end:
        return True  # passive agent
    gap = lowered[source.end:verb.start]
    return len(gap) <= _NOMINAL_SOURCE_GAP and not _CLAUSE_BREAK.search(gap)


def may_be_agent(phrase: Phrase, lowered: str) -> bool:
    """Whether an actor after a passive verb may be its agent (not one after "to the")."""
    return not _PLACE_BEFORE.search(lowered, max(0, phrase.start - 30), phrase.start)


def nominal_by(verb: VerbMatch, lowered: str) -> bool:
    """"the first visit by a G7 leader": an event noun (or a bare form used as one) whose
    agent follows it; the actor before the noun is not the agent. Participles ("rejected
    by") are passives, handled elsewhere."""
    if not BY_AGENT.match(lowered, verb.end):
        return False
    return verb.nominal or not (is_passive_form(verb) or verb.surface.endswith("ing"))


def usable_sources(sources: list[Phrase], root: str, nominal: bool,
                   shared: bool) -> list[Phrase]:
    """Protest nouns ("protesters", "demonstration") never make the state the protester, and
    an event noun takes one actor."""
    if nominal and root == cameo.PROTEST:
        sources = [s for s in sources if s.role not in _STATE_ROLES or s.org]
    # "their two countries, Hong Kong and China's part in the talks": a noun's actor is the
    # nearest one (a pair such as "the two leaders" spans one phrase), not a long list.
    if nominal and not shared and len(sources) > 2:
        return [s for s in sources if s.start == sources[-1].start]
    return sources


def foreign_or_domestic(source: Phrase, targets: list[Phrase], root: str) -> list[Phrase]:
    """A country's bare name is no target of its own officials ("Zelensky called it a victory
    for Ukraine"), except for domestic coercion, protest and assault."""
    if root in _DOMESTIC_ROOTS or source.org:
        return targets
    return [t for t in targets if t.country != source.country or t.role or t.org or t.person]
