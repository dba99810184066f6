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
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from sys import intern
from typing import Any

from pipeline.steps.article_dedup import near_dup, stories
from pipeline.steps.events.days import EventDays, Keyed, Mention, Recorded
from schemas.records import Article, ArticleSketch

StoredEntry = dict[str, Any]  # the JSON object a store holds per article
_MAX_TAKEOVERS = 8  # bound on following copy_of links (each takeover adds one)


def _interned(terms: dict[str, float]) -> dict[str, float]:
    """The vector with its words interned: a worker holds days of vectors, decoded from
    records and changelogs as fresh strings; interned, each word is stored once."""
    return {intern(term): weight for term, weight in terms.items()}


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


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
    # An earlier-published copy that arrived later took over as the original (`supersedes`
    # on it, `copy_of` here); its events keep the first announcement's day (`reference_ts`).
    copy_of: str | None = None
    supersedes: str | None = None
    reference_ts: float | None = None  # the day its events are keyed by; None: published_ts
    days: tuple[Recorded, ...] = ()  # the event days it added (`pipeline/steps/events/days.py`)

    @property
    def reference(self) -> float:
        return self.published_ts if self.reference_ts is None else self.reference_ts

    def to_store(self) -> StoredEntry:
        stored = {"ts": self.published_ts, "in": self.arrived_ts, "fp": self.fingerprint,
                  "sig": self.signature, "n": self.shingles, "story": self.story_id,
                  "terms": self.terms}
        optional = {"of": self.copy_of, "sup": self.supersedes, "ref": self.reference_ts,
                    "dy": [list(d) for d in self.days] or None}
        return stored | {k: v for k, v in optional.items() if v is not None}

    @classmethod
    def from_store(cls, entry: StoredEntry) -> IndexedArticle:
        # Entries written before arrival times were kept expire by their publish time.
        return cls(published_ts=entry["ts"], arrived_ts=entry.get("in", entry["ts"]),
                   fingerprint=entry["fp"], signature=entry["sig"],
                   shingles=entry.get("n", 0), story_id=entry["story"], terms=entry["terms"],
                   copy_of=entry.get("of"), supersedes=entry.get("sup"),
                   reference_ts=entry.get("ref"),
                   days=tuple(tuple(d) for d in entry.get("dy", ())))  # type: ignore[misc]


@dataclass(frozen=True)
class Decision:
    duplicate_of: str | None  # id of the original when a near/exact duplicate
    similarity: float | None  # estimated Jaccard of shingle sets (1.0 for exact copies)
    story_id: str
    reference_published_at: datetime  # the day the events are keyed by: the original's
    supersedes: str | None = None  # an article announced first that this one, published
    # earlier, takes over from as the original (that one is now its copy)
    days: tuple[Keyed, ...] = ()  # the (day, status) each of the article's mentions is keyed by

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None


# Outlets report one happening that day and the next: an undated event of an article that
# came out within this long of its story's first article is keyed by the story's day.
STORY_DAY_SECONDS = 2 * 86400.0


def story_day(story_first_ts: float | None, ts: float) -> float | None:
    """The time an article's undated events are keyed by, when not its own publish time."""
    if story_first_ts is None or abs(ts - story_first_ts) >= STORY_DAY_SECONDS:
        return None
    return story_first_ts if story_first_ts < ts else None


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
        lateness_seconds: float = 0.0,
        max_entries: int | None = None,
        rule: near_dup.MatchRule | None = None,
        story_threshold: float = 0.22,
        lsh: near_dup.LshParams | None = None,
    ) -> None:
        self.store = store
        self.window_seconds = window_seconds
        # Kept longer than the window by the lateness allowed: a copy published within the
        # window of an entry may still arrive that much later.
        self.retention_seconds = window_seconds + lateness_seconds
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
        self._days = EventDays()
        self._expiry: list[tuple[float, str]] = []  # (arrived_ts, id), earliest first
        self.clock = float("-inf")  # latest arrival seen
        for stored in self.store.values():  # same content, the words shared (`_interned`)
            stored["terms"] = _interned(stored["terms"])
        entries = [(k, IndexedArticle.from_store(v)) for k, v in self.store.items()]
        for article_id, entry in sorted(entries, key=lambda kv: (kv[1].arrived_ts, kv[0])):
            self._index(article_id, entry, near_dup.decode_signature(entry.signature))

    def _index(self, article_id: str, entry: IndexedArticle, sig: near_dup.Signature) -> None:
        self._lsh.add(article_id, sig, entry.shingles)
        self._exact.setdefault(entry.fingerprint, article_id)
        self._stories.add(article_id, entry.story_id, entry.terms, entry.published_ts)
        self._days.add(article_id, entry.story_id, entry.days)
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
               arrived_ts: float | None = None, mentions: Sequence[Mention] = ()) -> Decision:
        """Duplicate of a live article (exact or near), or new with a story; records new ones.

        `sketched` is `sketch(article)` computed earlier (in the worker: in parallel, before
        this sequential stage); without it the sketch is computed here. `arrived_ts` is when
        the input arrived (the worker: its broker timestamp); without it, the publish time.
        `mentions`: (source, target, root, stated date, status) of the article's events; the
        decision carries the (day, status) each is keyed by (`pipeline/steps/events/days.py`).
        """
        ts = article.published_at.timestamp()
        own = self._entry(article.id)
        if own is not None:  # at-least-once re-delivery: same answer, no new state
            days = self._days_of(article.id, own.story_id, mentions, own.reference)[0]
            return Decision(None, None, own.story_id, _utc(own.reference), own.supersedes,
                            days)
        sk = sketched or sketch(article, self.lsh_params)
        sig = near_dup.decode_signature(sk.signature)
        match = self._match(sk, sig, ts)
        arrived = ts if arrived_ts is None else arrived_ts
        if match is not None:
            root_id, similarity = self._root(match[0]), match[1]
            root = IndexedArticle.from_store(self.store[root_id])
            days, added = self._days_of(article.id, root.story_id, mentions, root.reference)
            if ts >= root.published_ts:  # a copy (same time: the first to arrive stays)
                return Decision(root_id, similarity, root.story_id, _utc(root.reference),
                                days=days)
            return self._take_over(article.id, root_id, root, sk, sig, ts, arrived,
                                   days, added)
        terms = _interned(sk.terms)
        story_id = self._stories.assign(article.id, terms, ts)
        reference_ts = story_day(self._stories.first_published(story_id), ts)
        days, added = self._days_of(article.id, story_id, mentions,
                                    ts if reference_ts is None else reference_ts)
        entry = IndexedArticle(published_ts=ts, arrived_ts=arrived, fingerprint=sk.fingerprint,
                               signature=sk.signature, shingles=sk.shingles, story_id=story_id,
                               terms=terms, reference_ts=reference_ts, days=tuple(added))
        self.store[article.id] = entry.to_store()
        self._index(article.id, entry, sig)
        return Decision(None, None, story_id, _utc(entry.reference), days=days)

    def _days_of(self, article_id: str, story_id: str, mentions: Sequence[Mention],
                 reference_ts: float) -> tuple[tuple[Keyed, ...], list[Recorded]]:
        days, added = self._days.resolve(article_id, story_id, mentions,
                                         _utc(reference_ts).date())
        return tuple(days), added

    def _match(self, sk: ArticleSketch, sig: near_dup.Signature,
               ts: float) -> tuple[str, float] | None:
        """(id, similarity) of a live article this one copies, exactly or nearly."""
        exact = self._exact.get(sk.fingerprint)
        if exact is not None and self._in_window(exact, ts):
            return exact, 1.0
        near = self._lsh.query(sig, self.rule, sk.shingles)
        if near is not None and self._in_window(near[0], ts):
            return near[0], round(near[1], 4)
        return None

    def _root(self, article_id: str) -> str:
        """The original of a copy that was announced as one and later taken over."""
        for _ in range(_MAX_TAKEOVERS):
            entry = self.store.get(article_id)
            successor = entry.get("of") if entry else None
            if successor is None or successor not in self.store:
                return article_id
            article_id = successor
        return article_id

    def _take_over(self, article_id: str, root_id: str, root: IndexedArticle,
                   sk: ArticleSketch, sig: near_dup.Signature, ts: float,
                   arrived: float, days: tuple[Keyed, ...], added: list[Recorded]) -> Decision:
        """An earlier-published copy arrived after its original was announced: it becomes the
        original (later copies name it), in the same story, its events keyed by the day
        already announced so none is announced twice."""
        entry = IndexedArticle(published_ts=ts, arrived_ts=arrived, fingerprint=sk.fingerprint,
                               signature=sk.signature, shingles=sk.shingles,
                               story_id=root.story_id, terms=_interned(sk.terms),
                               supersedes=root_id, reference_ts=root.reference,
                               days=tuple(added))
        self.store[article_id] = entry.to_store()
        self.store[root_id] = {**self.store[root_id], "of": article_id}
        self._index(article_id, entry, sig)
        return Decision(None, None, root.story_id, _utc(root.reference), root_id, days)

    def _in_window(self, other_id: str, ts: float) -> bool:
        entry = self._entry(other_id)
        return entry is not None and abs(ts - entry.published_ts) <= self.window_seconds

    def expire(self, now_ts: float) -> int:
        """Forget entries that arrived before `now_ts - (window + lateness)`, then the
        earliest arrivals beyond `max_entries`; returns how many went."""
        cutoff = now_ts - self.retention_seconds
        removed = 0
        while self._expiry and (self._expiry[0][0] < cutoff or (
                self.max_entries is not None and len(self._lsh) > self.max_entries)):
            ts, article_id = heapq.heappop(self._expiry)
            entry = self._entry(article_id)
            if entry is None or entry.arrived_ts != ts:
                continue  # stale heap item: already gone or re-recorded later
            del self.store[article_id]
            self._lsh.remove(article_id)
            self._stories.remove(article_id, entry.terms)
            self._days.remove(article_id)
            if self._exact.get(entry.fingerprint) == article_id:
                del self._exact[entry.fingerprint]
            removed += 1
        return removed
