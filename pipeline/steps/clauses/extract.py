"""Pure event extraction from sentence structure (the entry point).

As in `pipeline.steps.extraction.extract`, the article is prepared and scanned once and its
actor phrases resolved across the article. The sentences holding an actor and a trigger are
then parsed in one batch (`parse`), and each trigger's roles are read from its sentence's parse
(`roles`, `context`). Events repeating an earlier one's (source, target, root, status) are
dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from pipeline.steps.clauses import characterise, frames, reported, speech
from pipeline.steps.clauses.context import ClauseContext
from pipeline.steps.clauses.parse import memory_zone, parse
from pipeline.steps.clauses.roles import ParsedSentence
from pipeline.steps.extraction.actors import Phrase, date_offices, find_phrases
from pipeline.steps.extraction.coreference import resolve
from pipeline.steps.extraction.extract import MAX_BODY_CHARS, EventKey, keep_new
from pipeline.steps.extraction.scan import scan
from pipeline.steps.extraction.text import ArticleText, mask_link_cards
from pipeline.steps.extraction.verbs import VerbMatch, find_verbs
from schemas.records import Article, ExtractedEvent

# Bounded work: at most this many characters of an article are parsed (about 0.4 s on one
# core, about 1,300 words: a long wire story parses 3,000). Past it the window rules decide.
PARSE_BUDGET_CHARS = 8_000
_WORD = re.compile(r"[a-z]+")
# A dateline ("QUETTA, Pakistan (Reuters) - ", "(CNN) ", "WASHINGTON – ") is not part of the
# sentence's grammar: parsed with it, the place becomes the subject.
_DATELINE = re.compile(
    r"(?:(?:[A-Z][\w.'\u2019-]*(?:[ ,]+[A-Z][\w.'\u2019-]*){0,4}\s*)?\([A-Z][\w .&/-]{1,24}\)"
    r"\s*(?:[-\u2013\u2014]+\s*)?|[A-Z][A-Z.'\u2019-]+(?:[ ,]+[A-Z][\w.'\u2019-]*){0,3}\s+"
    r"[-\u2013\u2014]+\s+)")


def extract_events(article: Article) -> list[ExtractedEvent]:
    """Extract CAMEO-coded events from one article. Deterministic and side-effect free."""
    text = ArticleText.of(mask_link_cards(article.body[:MAX_BODY_CHARS]))
    if not text.sentences:
        return []
    actor_hits, verb_hits, triggers = scan(text)
    phrases = resolve(date_offices(find_phrases(text, actor_hits),
                                   article.published_at.date().isoformat()), text)
    phrases = _without_dateline(text, phrases)
    verbs = find_verbs(text, verb_hits)
    phrase_starts = [p.start for p in phrases]
    verb_starts = [v.start for v in verbs]
    # Per sentence: (index, span, phrases, verbs); only these are parsed.
    work = []
    for index, (s0, s1) in enumerate(text.sentences):
        sphrases = phrases[bisect_left(phrase_starts, s0):bisect_left(phrase_starts, s1)]
        sverbs = verbs[bisect_left(verb_starts, s0):bisect_left(verb_starts, s1)]
        work.append((index, s0, s1, sphrases, sverbs))
    starts = parse_plan(text.body, [
        (w[0], w[1], w[2]) for w in work if _worth_parsing(text, w[1], w[2], w[3], w[4])])
    # The parse's strings are freed when the article is done: without the zone spaCy's string
    # store keeps every word it ever saw (a worker's memory would grow for ever).
    body = _masked(text.body, phrases)
    with memory_zone():
        docs = dict(zip(starts, parse([body[starts[i]:text.sentences[i][1]]
                                       for i in starts]), strict=True))
        return _code(text, article, triggers, work, docs, starts)


def _code(text: ArticleText, article: Article, triggers: list[int], work: list,
          docs: dict, starts: dict[int, int]) -> list[ExtractedEvent]:
    """The events of the prepared sentences, in order, repeats dropped."""
    context = ClauseContext(text, article.published_at.date(), triggers)
    events: list[ExtractedEvent] = []
    seen: set[EventKey] = set()
    repeated: set[str] = set()
    for index, s0, s1, sphrases, sverbs in work:
        if not sphrases:
            continue
        context.places.note(index, sphrases)
        if not sverbs and index not in docs:
            continue
        sentence = text.body[s0:s1]
        if sentence in repeated:
            continue  # the same sentence again (scraped debris): the same events again
        repeated.add(sentence)
        doc = docs.get(index)
        parsed = ParsedSentence.of(doc, starts[index], [p for p in sphrases if p.is_actor]) \
            if doc is not None else None
        keep_new(context.parsed_events(s0, s1, sphrases, sverbs, parsed), seen, events)
    return events


def _without_dateline(text: ArticleText, phrases: list[Phrase]) -> list[Phrase]:
    """The phrases past the article's dateline ("DUBAI, United Arab Emirates (AP) -"): it
    says where the story was filed, neither a party to its first sentence's events nor
    where they happened."""
    s0, s1 = text.sentences[0]
    found = _DATELINE.match(text.body, s0, s1)
    if found is None:
        return phrases
    return [p for p in phrases if p.start >= found.end()]


def _worth_parsing(text: ArticleText, start: int, end: int, phrases: list[Phrase],
                   verbs: list[VerbMatch]) -> bool:
    """A sentence may hold an event: an actor and a lexicon trigger, an actor and a speech
    act, or two actors and a light-verb frame's verb ("spoke with") or a modal of obligation
    ("said May should resign", `reported`). Dictionary verbs
    (`structural`) are coded in the sentences parsed anyway: parsing every two-actor sentence
    with one cost 38% more parsing on BBC for 2 of 176 matches on the dev set."""
    actors = sum(p.is_actor for p in phrases)
    if not actors:
        return False
    if verbs or speech.may_hold_act(text.lowered, start, end) \
            or characterise.may_characterise(text.lowered, start, end):
        return True
    if actors < 2:
        return False
    if reported.may_hold_demand(text.lowered, start, end):
        return True
    forms = frames.verb_forms()
    return any(m.group(0) in forms for m in _WORD.finditer(text.lowered, start, end))


# Same-length stand-ins for a person's surname: "Trump" and "May" are also words, and the
# tagger read them as a verb or a modal (2% and 6% of their uses in world news), which breaks
# the sentence's parse; a name nobody mistakes keeps every offset.
_STAND_INS = {n: name for name in ("Li", "Lee", "Kerr", "Smith", "Miller", "Jackson",
                                   "Robinson", "Henderson", "Richardson") for n in [len(name)]}
_SURNAME = re.compile(r"[A-Z][a-z]+$")
_NAMED = frozenset({"explicit", "alias", "merged"})  # not a pronoun or a title guessed


def _masked(body: str, phrases: list[Phrase]) -> str:
    """The body with each person's surname replaced by a same-length stand-in name."""
    parts: list[str] = []
    last = 0
    for phrase in phrases:
        if not phrase.person or phrase.how not in _NAMED:
            continue
        found = _SURNAME.search(phrase.text)
        stand_in = _STAND_INS.get(len(found.group(0))) if found else None
        if stand_in is None:
            continue
        start = phrase.start + found.start()
        if start < last or body[start:start + len(stand_in)] != found.group(0):
            continue
        parts.append(body[last:start])
        parts.append(stand_in)
        last = start + len(stand_in)
    if not parts:
        return body
    parts.append(body[last:])
    return "".join(parts)


def parse_plan(body: str, candidates: list[tuple[int, int, int]]) -> dict[int, int]:
    """{sentence index: where its parse starts} for the candidates (index, start, end) to
    parse: in text order, each distinct sentence once, until PARSE_BUDGET_CHARS are spent."""
    plan: dict[int, int] = {}
    seen: set[str] = set()
    spent = 0
    for index, start, end in candidates:
        begin = _clause_start(body, start, end)
        sentence = body[begin:end]
        if sentence in seen:
            continue
        if spent + len(sentence) > PARSE_BUDGET_CHARS:
            break
        seen.add(sentence)
        spent += len(sentence)
        plan[index] = begin
    return plan


def _clause_start(body: str, start: int, end: int) -> int:
    """Where the sentence's grammar starts: after a dateline, if it opens with one."""
    found = _DATELINE.match(body, start, end)
    return found.end() if found else start
