"""One poll of one feed (fetch, parse, skip what was seen, hand the new articles to a publish
callback, remember them), and the schedule that polls each feed every interval.

Nothing here knows Kafka: `publish` is whatever the caller passes (the CLI: the producer).
An item is remembered only after `publish` returned, so a failed publish is retried at the
next poll (at-least-once: a crash between the acknowledgement and the state write republishes
that poll's items, with the same ids).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipeline.feeds.fetch import DEFAULT_TIMEOUT, FetchError, HostThrottle, feed_identity, fetch
from pipeline.feeds.parse import (
    FeedItem,
    FeedParseError,
    ParsedFeed,
    now_utc,
    parse_feed,
    to_article,
)
from pipeline.feeds.seen import SeenStore

Publish = Callable[[list[dict[str, Any]]], None]
FullText = Callable[[str], str | None]


@dataclass
class PollReport:
    feed: str
    new: int = 0
    seen: int = 0
    status: str = ""
    error: str | None = None
    no_text: int = 0  # items with neither text nor title: remembered, not published
    full_text_missed: int = 0  # --full-text found no page text: the feed's summary was used

    @property
    def ok(self) -> bool:
        return self.error is None

    def line(self) -> str:
        status = f"error: {self.error}" if self.error else self.status
        extra = "".join([f", {self.no_text} without text" if self.no_text else "",
                         f", {self.full_text_missed} without full text"
                         if self.full_text_missed else ""])
        return f"{self.feed}: {self.new} new, {self.seen} seen{extra}, {status}"


def poll_feed(source: str, store: SeenStore, publish: Publish, *, throttle: HostThrottle,
              timeout: float = DEFAULT_TIMEOUT, full_text: FullText | None = None,
              now: Callable[[], datetime] = now_utc) -> PollReport:
    """Poll one feed once; every failure becomes the report's `error`, never an exception."""
    report = PollReport(source)
    feed_url = feed_identity(source)
    memory = store.memory(feed_url)
    try:
        throttle.wait(source)
        fetched = fetch(source, etag=memory.etag, modified=memory.modified, timeout=timeout)
        if fetched.not_modified:
            report.status = "304 not modified"
            return report
        feed = parse_feed(fetched.content or b"", feed_url, fetched.content_type)
    except (FetchError, FeedParseError) as exc:
        report.error = str(exc)
        return report
    fresh = _fresh_items(feed.items, store, feed_url, report)
    articles = _articles(feed, fresh, report, full_text, now())
    if articles:
        try:
            publish(articles)
        except Exception as exc:  # noqa: BLE001 - one feed's failure must not stop the others
            report.error = f"publish failed: {describe(exc)}"
            return report
    for item in fresh:
        store.add(feed_url, item.keys)
    store.set_validators(feed_url, fetched.etag, fetched.modified)
    store.save()
    report.new = len(articles)
    report.status = str(fetched.status)
    return report


def _fresh_items(items: Iterable[FeedItem], store: SeenStore, feed_url: str,
                 report: PollReport) -> list[FeedItem]:
    """Items neither seen before nor repeated earlier in this document (by guid or link)."""
    fresh, keys_now = [], set()
    for item in items:
        if store.is_seen(feed_url, item.keys) or keys_now.intersection(item.keys):
            report.seen += 1
            store.add(feed_url, item.keys)  # still in the feed: the newest to keep
        else:
            fresh.append(item)
        keys_now.update(item.keys)
    return fresh


def _articles(feed: ParsedFeed, items: Sequence[FeedItem], report: PollReport,
              full_text: FullText | None, fetched_at: datetime) -> list[dict[str, Any]]:
    """The input articles of the new items, oldest first."""
    articles = []
    for item in items:
        body = None
        if full_text is not None and item.link:
            body = full_text(item.link)
            report.full_text_missed += body is None
        article = to_article(feed, item, fetched_at=fetched_at, body=body)
        if article is None:
            report.no_text += 1
        else:
            articles.append(article)
    return sorted(articles, key=lambda a: a["published_at"])


class Schedule:
    """When each feed is due: every `interval` seconds after its own last poll."""

    def __init__(self, sources: Sequence[str], interval: float, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        start = clock()
        self._due = dict.fromkeys(sources, start)

    def due(self) -> list[str]:
        now = self._clock()
        return [s for s, at in self._due.items() if at <= now]

    def polled(self, source: str) -> None:
        self._due[source] = self._clock() + self.interval

    def wait(self) -> float:
        """Seconds until the next feed is due (0 if one is due now)."""
        return max(min(self._due.values()) - self._clock(), 0.0)


def describe(exc: BaseException) -> str:
    """`Type: message` on one line, without repeating a type the message already names."""
    name, text = type(exc).__name__, " ".join(str(exc).split())
    return text if text.startswith(name) else f"{name}: {text}" if text else name
