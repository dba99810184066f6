"""One pass of one automaton over an article for both dictionaries.

The actor and verb dictionaries are compiled into a single Aho-Corasick automaton whose
payload carries each dictionary's entry for a key (either may be None), so an article is
scanned once instead of twice; the hits are then split and each dictionary keeps its own
leftmost-longest matches, exactly as two separate scans would give. The same pass notes where
the words that may open an embedded clause ("urged", "warned") occur, so that sentences
without one skip that test. `actor_entry` looks a surface form up in the same automaton.
"""

from __future__ import annotations

import functools

import ahocorasick

from pipeline.reference.actor_lexicon import ActorEntry, actor_table
from pipeline.reference.lexicon import keyed, leftmost_longest
from pipeline.steps.extraction.embedding import trigger_forms
from pipeline.steps.extraction.text import ArticleText
from pipeline.steps.extraction.verbs import verb_entries

Hits = list[tuple[int, int, object]]


@functools.cache
def combined_automaton() -> ahocorasick.Automaton:
    """Keys of both dictionaries -> (key length, actor entry or None, verb payload or None)."""
    actors, verbs = actor_table(), keyed(verb_entries())
    triggers = keyed((form, True) for form in trigger_forms())
    automaton = ahocorasick.Automaton()
    for key in actors.keys() | verbs.keys() | triggers.keys():
        automaton.add_word(key, (len(key), actors.get(key), verbs.get(key), key in triggers))
    automaton.make_automaton()
    return automaton


def scan(text: ArticleText) -> tuple[Hits, Hits, list[int]]:
    """(actor hits, verb hits) as (start, end, payload), each leftmost-longest, and the
    sorted starts of trigger words; offsets are body offsets."""
    actors: Hits = []
    verbs: Hits = []
    triggers: list[int] = []
    for last, (length, actor, verb, trigger) in combined_automaton().iter(text.bounded):
        start = last - length + 1
        if actor is not None:
            actors.append((start, -length, actor))
        if verb is not None:
            verbs.append((start, -length, verb))
        if trigger:
            triggers.append(start)
    triggers.sort()
    return leftmost_longest(actors), leftmost_longest(verbs), triggers


def actor_entry(name: str) -> ActorEntry | None:
    """The actor-dictionary entry stored for a surface form, if any."""
    found = combined_automaton().get(f" {name.lower()} ", None)
    return None if found is None else found[1]
