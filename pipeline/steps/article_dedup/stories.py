"""Story clustering: articles about the same happening, in different words, share a story id.

Outlets reporting one event share few phrases but many *rare* words: the names, places and
specific nouns of the event. An article becomes a sparse unit vector over its content words,
each weighted by how rare the word is in general English (a static background table from
`wordfreq`, so a decision depends only on the text and the live story centroids: no running
statistics that a restart would have to rebuild). It joins the story whose centroid (sum of
member vectors) is most cosine-similar, at or above a threshold; otherwise it starts a story.
Headline and lede words count extra (news puts the who/what first), "-s" forms fold onto their
stem ("missiles" = "missile"), and a story idle for over a day fades in event time, so a
running topic (one club, one party leader) stops absorbing every new report on it.
State is bounded: members leave their story when they expire, an empty story disappears.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from wordfreq import get_frequency_dict

Vector = dict[str, float]

TOKEN = re.compile(r"[^\W\d_][\w'’.-]*[^\W_]|[^\W\d_]|\d[\d.,]*\d|\d")
# Words more common than this carry no event signal ("the", "said", "year").
COMMON_ZIPF = 5.2
# The background list stops at zipf 3: anything absent is at least that rare.
ABSENT_ZIPF = 2.0
NUMBER_WEIGHT = 1.0
CAPITAL_BOOST = 1.5
# Headline + lede: the opening words of the body (after the title) count this much extra.
LEAD_TOKENS = 60
LEAD_EXTRA = 2
# A story unfed for more than a day loses pull: similarity x exp(-(idle - grace) / decay).
GRACE_SECONDS = 24 * 3600.0
DECAY_SECONDS = 12 * 3600.0
# Harman's S-stemmer: (suffix, replacement, not after these letters, shortest word).
_S_RULES = (("ies", "y", "ae", 5), ("es", "e", "aeo", 5), ("s", "", "us'’", 4))


@cache
def _zipf_table() -> dict[str, float]:
    freqs = get_frequency_dict("en", wordlist="small")
    return {word: 9.0 + math.log10(freq) for word, freq in freqs.items()}


def term_weight(term: str) -> float:
    """Rarity of a word in general English, 0 for function words, higher for rarer words."""
    if term[0].isdigit():
        return NUMBER_WEIGHT
    zipf = _zipf_table().get(term, ABSENT_ZIPF)
    return max(0.0, COMMON_ZIPF - zipf)


def stem(term: str) -> str:
    """Harman's S-stemmer on a lower-cased word, kept only when the stem is a known word."""
    for suffix, repl, not_after, shortest in _S_RULES:
        if (term.endswith(suffix) and len(term) >= shortest
                and term[-len(suffix) - 1] not in not_after):
            base = term[: -len(suffix)] + repl
            return base if base in _zipf_table() else term
    return term


def features(title: str, body: str, top_k: int = 40) -> Vector:
    """Unit vector over the article's `top_k` heaviest terms (title and lede words counted
    1 + `LEAD_EXTRA` times); capitalised words (names, which anchor an event) get a boost.
    """
    # Count surface forms first (C-speed Counter), then read each distinct form's term,
    # case and weight from a cache: an article's forms are mostly ones already seen.
    tokens = TOKEN.findall(body)
    surface = Counter(tokens)
    lead = Counter(tokens[:LEAD_TOKENS])
    lead.update(TOKEN.findall(title))
    for token, times in lead.items():
        surface[token] += LEAD_EXTRA * times
    counts: dict[str, int] = {}
    capitalised: dict[str, int] = {}
    weights: dict[str, float] = {}
    forms = _FORMS
    for raw, times in surface.items():
        form = forms.get(raw)
        if form is None:
            form = _form(raw)
        term, capital, weight = form
        if weight <= 0.0:  # function words, one-letter tokens: never among the top terms
            continue
        counts[term] = counts.get(term, 0) + times
        if capital:
            capitalised[term] = capitalised.get(term, 0) + times
        weights[term] = weight
    log, is_name = math.log, capitalised.get
    # Negated scores: a plain tuple sort ranks heaviest first, ties by term.
    ranked = [(-(1.0 + log(count)) * (weights[term] * CAPITAL_BOOST
                                      if is_name(term, 0) * 2 > count else weights[term]), term)
              for term, count in counts.items()]
    ranked.sort()
    top = ranked[:top_k]
    norm = math.sqrt(sum(score * score for score, _ in top)) or 1.0
    return {term: round(-score / norm, 4) for score, term in top}


# Surface form -> (term, capitalised, weight); bounded, cleared when full (a live feed's
# vocabulary grows without end; a day's news reuses most of it).
_FORMS: dict[str, tuple[str, bool, float]] = {}
_MAX_FORMS = 1 << 17


def _form(raw: str) -> tuple[str, bool, float]:
    if len(raw) < 2:
        form = ("", False, 0.0)
    else:
        term = raw.lower()
        capital = raw[0].isupper()
        if not capital:  # names are not stemmed ("Williams", "Reuters")
            term = stem(term)
        form = (term, capital, term_weight(term))
    if len(_FORMS) >= _MAX_FORMS:
        _FORMS.clear()
    _FORMS[raw] = form
    return form


def story_id_for(article_id: str) -> str:
    """Stable story id: a hash of the id of the story's first article."""
    return "st-" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class _Story:
    # A one-member story's centroid *is* that member's vector (most stories have one member,
    # so a copy would double their memory); it is copied before it first changes.
    centroid: Mapping[str, float] = field(default_factory=dict)
    shared: bool = False
    members: int = 0
    last_ts: float = float("-inf")  # publish time of the newest member (event time)
    first_ts: float = float("inf")  # publish time of the earliest member seen
    squares: float = 0.0  # squared norm of the centroid, kept up to date on add/remove


class StoryIndex:
    """Live stories (centroids) with an inverted index from term to story for candidates.

    Memory is per live article (2026-12-03: 6.2 of the article index's 11 KB per article
    before): members are remembered by story id only, their vectors stay with the caller,
    which hands the vector back to `remove` (the article index keeps it in its store); a
    term's posting is the story id itself while one member of one story holds the term.
    Vectors are read, never changed: a story may share its first member's."""

    def __init__(self, threshold: float = 0.22, probe_terms: int = 12,
                 max_candidates: int = 8) -> None:
        self.threshold = threshold
        self.probe_terms = probe_terms
        self.max_candidates = max_candidates
        self._stories: dict[str, _Story] = {}
        self._postings: dict[str, str | Counter[str]] = {}
        self._members: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._members)

    @property
    def story_count(self) -> int:
        return len(self._stories)

    def first_published(self, story_id: str) -> float | None:
        """Publish time of the story's earliest member (kept when that member expires)."""
        story = self._stories.get(story_id)
        return story.first_ts if story is not None and story.first_ts != float("inf") else None

    def story_of(self, article_id: str) -> str | None:
        return self._members.get(article_id)

    def best_story(self, vector: Mapping[str, float], ts: float | None = None
                   ) -> tuple[str, float] | None:
        """Most similar live story at or above the threshold (ties to the smallest id); with
        a publish time `ts`, a story more than `GRACE_SECONDS` from it (after its newest
        member or before its first) scores less."""
        probes = sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[: self.probe_terms]
        shared: Counter[str] = Counter()
        for term, _ in probes:
            posting = self._postings.get(term)
            if isinstance(posting, str):
                shared[posting] += 1
            elif posting:
                shared.update(posting.keys())
        # Score only the stories sharing the most probe terms (one popular name can sit in
        # hundreds of live stories; scoring them all dominated the stage's cost).
        candidates = [sid for sid, n in shared.most_common(self.max_candidates)]
        best: tuple[str, float] | None = None
        postings = self._postings  # terms in no live story add nothing to any dot product
        live = [(term, weight) for term, weight in vector.items() if term in postings]
        for story_id in sorted(candidates):
            story = self._stories[story_id]
            get = story.centroid.get
            dot = sum([weight * get(term, 0.0) for term, weight in live])
            score = dot / (math.sqrt(max(story.squares, 0.0)) or 1.0)
            if ts is not None:
                # Distance to the story's span of publish times, either side: an article
                # arriving late (published before the story's first member) fades as one
                # published after its last does.
                idle = ts - story.last_ts if ts > story.last_ts else story.first_ts - ts
                if idle > GRACE_SECONDS:
                    score *= math.exp((GRACE_SECONDS - idle) / DECAY_SECONDS)
            if score >= self.threshold and (best is None or score > best[1]):
                best = (story_id, score)
        return best

    def assign(self, article_id: str, vector: Mapping[str, float],
               ts: float | None = None) -> str:
        """Story for a new article: the best live story, else a new one named after it."""
        best = self.best_story(vector, ts)
        return best[0] if best else story_id_for(article_id)

    def add(self, article_id: str, story_id: str, vector: Mapping[str, float],
            ts: float | None = None) -> None:
        """Record a member published at `ts` (also on rebuild, with the stored story id).
        Expiry removes oldest first, so a replay gives the same `last_ts` (newest member).
        `vector` is kept by reference, not copied: the caller must not change it."""
        if article_id in self._members:
            raise ValueError(f"{article_id} is a member already; remove it first")
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(
                centroid=vector, shared=True,
                squares=sum(weight * weight for weight in vector.values()))
        else:
            centroid = self._own_centroid(story)
            for term, weight in vector.items():
                old = centroid.get(term, 0.0)
                centroid[term] = old + weight
                story.squares += (old + weight) ** 2 - old * old
        story.members += 1
        if ts is not None and ts > story.last_ts:
            story.last_ts = ts
        if ts is not None and ts < story.first_ts:
            story.first_ts = ts
        postings = self._postings
        for term in vector:
            posting = postings.get(term)
            if posting is None:
                postings[term] = story_id
            elif isinstance(posting, str):  # a second holder: the posting becomes a Counter
                counts = postings[term] = Counter({posting: 1})
                counts[story_id] += 1
            else:
                posting[story_id] += 1
        self._members[article_id] = story_id

    @staticmethod
    def _own_centroid(story: _Story) -> dict[str, float]:
        """The story's centroid as its own dict (copied from the first member on a change)."""
        if story.shared:
            story.centroid = dict(story.centroid)
            story.shared = False
        return story.centroid  # type: ignore[return-value]

    def remove(self, article_id: str, vector: Mapping[str, float]) -> bool:
        """Take a member, whose vector is `vector` (as added), out of its story's centroid;
        drop the story when it empties."""
        story_id = self._members.pop(article_id, None)
        if story_id is None:
            return False
        story = self._stories[story_id]
        story.members -= 1
        if story.members <= 0:
            del self._stories[story_id]
        else:
            centroid = self._own_centroid(story)
            for term, weight in vector.items():
                old = centroid.get(term, 0.0)
                left = old - weight
                if left > 1e-9:
                    centroid[term] = left
                else:
                    centroid.pop(term, None)
                    left = 0.0
                story.squares += left * left - old * old
        postings = self._postings
        for term in vector:
            posting = postings.get(term)
            if posting is None:
                continue
            if isinstance(posting, str):
                if posting == story_id:
                    del postings[term]
                continue
            posting[story_id] -= 1
            if posting[story_id] <= 0:
                del posting[story_id]
            if len(posting) == 1:
                (only, count), = posting.items()
                if count == 1:
                    postings[term] = only
            elif not posting:
                del postings[term]
        return True
