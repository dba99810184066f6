"""Pure event extraction: article text in, CAMEO-coded events out (the entry point).

The article's text is prepared once (`text.ArticleText`) and scanned once for both dictionaries
(`scan`); actor phrases are resolved across the article (`coreference`). Then, per sentence,
every verb-lexicon hit is a candidate event: `event_context.EventContext` finds its source and
target among the sentence's actor phrases and reads status, date, location and quantity from
the same sentence. Events repeating an earlier one's (source, target, root, status) are
dropped. No I/O, no global state beyond dictionaries compiled once per process
(`actor_lexicon`, `verbs`).
"""

from __future__ import annotations

from bisect import bisect_left

from pipeline.steps.extraction.actors import date_offices, find_phrases
from pipeline.steps.extraction.coreference import resolve
from pipeline.steps.extraction.event_context import EventContext
from pipeline.steps.extraction.scan import scan
from pipeline.steps.extraction.text import ArticleText, mask_link_cards
from pipeline.steps.extraction.verbs import find_verbs
from schemas.records import Article, ExtractedEvent

# Bounded work per article: events are read from the first MAX_BODY_CHARS characters (a long
# feature is about 60,000; a body larger than this is a dump, a table or an attack), so the
# slowest article the edge accepts takes a fraction of a second (bench/bench_extract_worst.py).
MAX_BODY_CHARS = 200_000
# Events repeating an earlier one's (source, target, root, status) are dropped.
EventKey = tuple[str, str | None, str, str]


def extract_events(article: Article) -> list[ExtractedEvent]:
    """Extract CAMEO-coded events from one article. Deterministic and side-effect free."""
    text = ArticleText.of(mask_link_cards(article.body[:MAX_BODY_CHARS]))
    if not text.sentences:
        return []
    actor_hits, verb_hits, triggers = scan(text)  # one automaton pass for everything
    phrases = resolve(date_offices(find_phrases(text, actor_hits),
                                   article.published_at.date().isoformat()), text)
    verbs = find_verbs(text, verb_hits)
    phrase_starts = [p.start for p in phrases]
    verb_starts = [v.start for v in verbs]
    context = EventContext(text, article.published_at.date(), triggers)
    events: list[ExtractedEvent] = []
    seen: set[EventKey] = set()
    repeated: set[str] = set()
    for index, (s0, s1) in enumerate(text.sentences):
        p0, p1 = bisect_left(phrase_starts, s0), bisect_left(phrase_starts, s1)
        if p0 == p1:
            continue  # no phrase: no event, and nothing for the place memory to note
        sphrases = phrases[p0:p1]
        context.places.note(index, sphrases)
        sverbs = verbs[bisect_left(verb_starts, s0):bisect_left(verb_starts, s1)]
        if not sverbs:
            continue
        sentence = text.body[s0:s1]
        if sentence in repeated:
            continue  # the same sentence again (scraped debris): the same events again
        repeated.add(sentence)
        keep_new(context.events_for(s0, s1, sphrases, sverbs), seen, events)
    return events



def keep_new(found: list[ExtractedEvent], seen: set[EventKey],
             events: list[ExtractedEvent]) -> None:
    """Append to `events` the found events whose (source, target, root, status) is new."""
    for event in found:
        key = (event.source.code, event.target.code if event.target else None, event.root,
               event.status)
        if key not in seen:
            seen.add(key)
            events.append(event)
