"""Pure event extraction: article text in, CAMEO-coded events out.

Per sentence, every verb-lexicon hit is a candidate event; `event_context.EventContext` finds
its source and target among the sentence's actor phrases and reads status, date, location and
quantity from the same sentence. No I/O, no global state beyond dictionaries compiled once per
process (`actor_lexicon`, `verbs`).
"""

from __future__ import annotations

from bisect import bisect_left

from pipeline.steps.actors import find_phrases
from pipeline.steps.coreference import resolve
from pipeline.steps.event_context import EventContext
from pipeline.steps.lexicon import boundary_text, normalise
from pipeline.steps.scan import scan
from pipeline.steps.sentences import split_sentences
from pipeline.steps.verbs import find_verbs
from schemas.records import Article, ExtractedEvent


def extract_events(article: Article) -> list[ExtractedEvent]:
    """Extract CAMEO-coded events from one article. Deterministic and side-effect free."""
    body = article.body
    lowered = normalise(body)
    sentences = split_sentences(body)
    if not sentences:
        return []
    starts = [s for s, _ in sentences]
    bounded = boundary_text(lowered)
    actor_hits, verb_hits, triggers = scan(bounded)  # one automaton pass for everything
    phrases = resolve(find_phrases(body, lowered, bounded, actor_hits), starts, body, lowered)
    verbs = find_verbs(body, lowered, bounded, verb_hits)
    phrase_starts = [p.start for p in phrases]
    verb_starts = [v.start for v in verbs]
    context = EventContext(body, lowered, article.published_at.date(), triggers)
    events: list[ExtractedEvent] = []
    seen: set[tuple[str, str | None, str, str]] = set()
    for index, (s0, s1) in enumerate(sentences):
        p0, p1 = bisect_left(phrase_starts, s0), bisect_left(phrase_starts, s1)
        if p0 == p1:
            continue  # no phrase: no event, and nothing for the place memory to note
        sphrases = phrases[p0:p1]
        context.places.note(index, sphrases)
        sverbs = verbs[bisect_left(verb_starts, s0):bisect_left(verb_starts, s1)]
        if not sverbs:
            continue
        context.sentence(s0, s1, sphrases)
        for event in context.events_for(sverbs):
            key = (event.source.code, event.target.code if event.target else None, event.root,
                   event.status)
            if key not in seen:
                seen.add(key)
                events.append(event)
    return events
