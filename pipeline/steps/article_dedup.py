"""Exact-duplicate article detection over a key-value store with an event-time window.

The store is any `MutableMapping` (a Faust table in the worker, a dict in tests): the state
is fingerprint → `[article_id, published_epoch]`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import MutableMapping
from dataclasses import dataclass

from schemas.records import Article

STAGE = "dedup_articles"

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def content_fingerprint(article: Article) -> str:
    """Hash of the normalised body: case, punctuation and whitespace do not matter.

    The title is left out on purpose: syndicated copies often carry a new headline.
    """
    normalised = _NON_WORD.sub(" ", article.body.casefold()).strip()
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class DedupDecision:
    duplicate_of: str | None  # article id of the first copy, or None when new
    similarity: float | None = None

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None


def check_article(
    store: MutableMapping[str, list],
    fingerprint: str,
    article: Article,
    *,
    window_seconds: float,
) -> DedupDecision:
    """Decide new vs duplicate and record the article when it is new (or the copy expired).

    A re-delivery of the very same article id is not a duplicate of itself: it is the same
    input seen again (at-least-once), so it keeps its `processed` outcome.
    """
    published = article.published_at.timestamp()
    seen = store.get(fingerprint)
    if seen is not None:
        first_id, first_published = seen
        if first_id != article.id and abs(published - first_published) <= window_seconds:
            return DedupDecision(duplicate_of=first_id, similarity=1.0)
        if first_id == article.id:
            return DedupDecision(duplicate_of=None)
    store[fingerprint] = [article.id, published]
    return DedupDecision(duplicate_of=None)
