"""The article-dedup stage's façade: near-duplicates and stories over a key-value store.

Durable state is the store (a Faust table in the worker, a dict in tests):
`article_id -> IndexedArticle`, written once per new article and kept in the store as the
small JSON object `IndexedArticle.to_store()` makes (short keys: it is the changelog format).

The LSH buckets, the exact-body map and the story centroids are derived: `rebuild()` makes
them again from the store (sorted by time), reusing the stored story ids. Duplicates are not
stored: their outcome names the original, and a re-delivered duplicate decides the same way.

Matching is by publish time: an article is compared with entries published within ± the
window of its own date. Expiry is by arrival time (`pipeline/steps/state/expiry.py` says
why): `expire(now_ts)` drops entries that arrived before `now_ts - window`, then the earliest
arrivals beyond `max_entries`, from the store and every index, so state stays bounded under
an endless stream whatever dates the articles carry. Call it with `clock` (the latest
arrival seen) after each decision; it is cheap.
"""

from __future__ import annotations

import heapq
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipeline.steps.article_dedup import near_dup, stories
from schemas.records import Article, ArticleSketch

StoredEntry = dict[str, Any]  # the JSON object a store holds per article


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    """What the index remembers of a new article."""

    published_ts: float  # publish time, epoch seconds (event time): what matching compares
    arrived_ts: float  # arrival (ingest) time, epoch seconds: what expiry compares
    fingerprint: str  # exact-body fingerprint (16 hex)
    signature: str  # MinHash signature, base64 of little-endian uint32
    shingles: int  # number of distinct word 3-shingles (for containment)
    story_id: str  # story decided when the article arrived
    terms: dict[str, float]  # story feature vector (unit, top terms)

    def to_store(self) -> StoredEntry:
        return {"ts": self.published_ts, "in": self.arrived_ts, "fp": self.fingerprint,
                "sig": self.signature, "n": self.shingles, "story": self.story_id,
                "terms": self.terms}

    @classmethod
    def from_store(cls, entry: StoredEntry) -> IndexedArticle:
        # Entries written before arrival times were kept expire by their publish time.
        return cls(published_ts=entry["ts"], arrived_ts=entry.get("in", entry["ts"]),
                   fingerprint=entry["fp"], signature=entry["sig"],
                   shingles=entry.get("n", 0), story_id=entry["story"], terms=entry["terms"])


@dataclass(frozen=True)
class Decision:
    duplicate_of: str | None  # id of the original when a near/exact duplicate
    similarity: float | None  # estimated Jaccard of shingle sets (1.0 for exact copies)
    story_id: str
    reference_published_at: datetime  # the original's publish time for duplicates, else own

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None


def sketch(article: Article, lsh: near_dup.LshParams | None = None) -> ArticleSketch:
    """Everything dedup needs from the text: the costly, stateless half of the stage."""
    tokens = near_dup.words(article.body)
    shingles = near_dup.shingles(tokens)
    return ArticleSketch(
        fingerprint=near_dup.body_fingerprint(tokens),
        signature=near_dup.encode_signature(
            near_dup.signature(shingles, lsh or near_dup.LshParams())),
        shingles=len(set(shingles)),
        terms=stories.features(article.title, article.body),
    )


class ArticleIndex:
    """Decides duplicate/new and the story of each article; records new ones in `store`."""

    def __init__(
        self,
        store: MutableMapping[str, StoredEntry],
        *,
        window_seconds: float = 72 * 3600.0,
        max_entries: int | None = None,
        rule: near_dup.MatchRule | None = None,
        story_threshold: float = 0.22,
        lsh: near_dup.LshParams | None = None,
    ) -> None:
        self.store = store
        self.window_seconds = window_seconds
        self.max_entries = max_entries
        self.rule = rule or near_dup.MatchRule()
        self.lsh_params = lsh or near_dup.LshParams()
        self.story_threshold = story_threshold
        self.rebuild()

    def rebuild(self) -> None:
        """Derive every in-memory index from the store's entries, oldest first."""
        self._lsh = near_dup.LshIndex(self.lsh_params)
        self._stories = stories.StoryIndex(self.story_threshold)
        self._exact: dict[str, str] = {}
        self._expiry: list[tuple[float, str]] = []  # (arrived_ts, id), earliest first
        self.clock = float("-inf")  # latest arrival seen
        entries = [(k, IndexedArticle.from_store(v)) for k, v in self.store.items()]
        for article_id, entry in sorted(entries, key=lambda kv: (kv[1].arrived_ts, kv[0])):
            self._index(article_id, entry, near_dup.decode_signature(entry.signature))

    def _index(self, article_id: str, entry: IndexedArticle, sig: near_dup.Signature) -> None:
        self._lsh.add(article_id, sig, entry.shingles)
        self._exact.setdefault(entry.fingerprint, article_id)
        self._stories.add(article_id, entry.story_id, entry.terms, entry.published_ts)
        heapq.heappush(self._expiry, (entry.arrived_ts, article_id))
        self.clock = max(self.clock, entry.arrived_ts)

    def _entry(self, article_id: str) -> IndexedArticle | None:
        stored = self.store.get(article_id)
        return None if stored is None else IndexedArticle.from_store(stored)

    def __len__(self) -> int:
        return len(self._lsh)

    @property
    def story_count(self) -> int:
        return self._stories.story_count

    def decide(self, article: Article, sketched: ArticleSketch | None = None,
               arrived_ts: float | None = None) -> Decision:
        """Duplicate of a live article (exact or near), or new with a story; records new ones.

        `sketched` is `sketch(article)` computed earlier (in the worker: in parallel, before
        this sequential stage); without it the sketch is computed here. `arrived_ts` is when
        the input arrived (the worker: its broker timestamp); without it, the publish time.
        """
        ts = article.published_at.timestamp()
        own = self._entry(article.id)
        if own is not None:  # at-least-once re-delivery: same answer, no new state
            return Decision(None, None, own.story_id, article.published_at)
        sk = sketched or sketch(article, self.lsh_params)
        original = self._exact.get(sk.fingerprint)
        if original is not None and self._in_window(original, ts):
            return self._duplicate(original, 1.0)
        sig = near_dup.decode_signature(sk.signature)
        match = self._lsh.query(sig, self.rule, sk.shingles)
        if match is not None and self._in_window(match[0], ts):
            return self._duplicate(match[0], round(match[1], 4))
        story_id = self._stories.assign(article.id, sk.terms, ts)
        entry = IndexedArticle(published_ts=ts, arrived_ts=ts if arrived_ts is None
                               else arrived_ts, fingerprint=sk.fingerprint,
                               signature=sk.signature, shingles=sk.shingles, story_id=story_id,
                               terms=sk.terms)
        self.store[article.id] = entry.to_store()
        self._index(article.id, entry, sig)
        return Decision(None, None, story_id, article.published_at)

    def _in_window(self, other_id: str, ts: float) -> bool:
        entry = self._entry(other_id)
        return entry is not None and abs(ts - entry.published_ts) <= self.window_seconds

    def _duplicate(self, original: str, similarity: float) -> Decision:
        entry = IndexedArticle.from_store(self.store[original])
        published = datetime.fromtimestamp(entry.published_ts, tz=UTC)
        return Decision(original, similarity, entry.story_id, published)

    def expire(self, now_ts: float) -> int:
        """Forget entries that arrived before `now_ts - window`, then the earliest arrivals
        beyond `max_entries`; returns how many went."""
        cutoff = now_ts - self.window_seconds
        removed = 0
        while self._expiry and (self._expiry[0][0] < cutoff or (
                self.max_entries is not None and len(self._lsh) > self.max_entries)):
            ts, article_id = heapq.heappop(self._expiry)
            entry = self._entry(article_id)
            if entry is None or entry.arrived_ts != ts:
                continue  # stale heap item: already gone or re-recorded later
            del self.store[article_id]
            self._lsh.remove(article_id)
            self._stories.remove(article_id)
            if self._exact.get(entry.fingerprint) == article_id:
                del self._exact[entry.fingerprint]
            removed += 1
        return removed
