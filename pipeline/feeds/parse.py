"""Feed document -> items -> input article dicts (the `articles.raw` contract,
`schemas.records.Article`)."""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser

MAX_SOURCE = 256
MAX_TITLE = 2000
MAX_URL = 2048
# Tags after which the text of an HTML fragment gets a line break.
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "tr", "table", "section", "article", "header", "footer", "figure", "figcaption",
    "hr", "dd", "dt",
})
_WHITESPACE = re.compile(r"\s+")
_EXPAT_WHERE = re.compile(r"^<unknown>:(\d+):(\d+): (.*)$")
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


class FeedParseError(ValueError):
    """The document is not a feed feedparser can read items from."""


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, with the keys that identify it in the seen-set."""

    guid: str | None
    link: str | None
    entry: Any  # feedparser's entry (a FeedParserDict)

    @property
    def keys(self) -> list[str]:
        """Seen-set keys: the guid and the link, each on its own (either seen = seen)."""
        return ([f"guid:{self.guid}"] if self.guid else []) + \
            ([f"link:{self.link}"] if self.link else [])


@dataclass(frozen=True)
class ParsedFeed:
    url: str  # the feed's identity: its URL, or the resolved path of a local file
    title: str | None
    language: str | None
    items: list[FeedItem]

    @property
    def source(self) -> str:
        """The article `source`: the feed's title, else the host (or file name)."""
        if self.title:
            return self.title[:MAX_SOURCE]
        host = urlsplit(self.url).hostname
        return (host or Path(self.url).name or self.url)[:MAX_SOURCE]


def parse_feed(content: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse an RSS/Atom document; a malformed document without items is a `FeedParseError`.

    A feed feedparser flags as ill-formed (`bozo`) but that still yields items is accepted,
    as feed readers do. `content_type` is the HTTP header (its charset counts); a local file
    is taken as XML.
    """
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(content, response_headers=headers)
    if not parsed.entries:
        kind = "" if parsed.get("version") else " (not RSS/Atom)"
        if parsed.get("bozo"):
            reason = _one_line(parsed.get("bozo_exception")) or "unreadable"
            raise FeedParseError(f"malformed feed{kind}: {reason}")
        if kind:
            raise FeedParseError("not an RSS/Atom feed")
    items = [FeedItem(_clean_key(e.get("id")), _clean_key(e.get("link")), e)
             for e in parsed.entries]
    meta = parsed.feed
    title = " ".join(_text_of(meta.get("title"), meta.get("title_detail")).split()) or None
    language = (meta.get("language") or "").strip().lower() or None
    return ParsedFeed(url, title, language, [i for i in items if i.keys])


def article_id(feed_url: str, item: FeedItem) -> str:
    """Stable id: a hash of the feed's URL and the item's guid (else its link)."""
    digest = hashlib.sha256(f"{feed_url}\n{item.guid or item.link}".encode()).hexdigest()
    return f"feed-{digest[:32]}"


def to_article(feed: ParsedFeed, item: FeedItem, *, fetched_at: datetime,
               body: str | None = None) -> dict[str, Any] | None:
    """The input article for one item (`body` overrides the feed's text, e.g. full text).

    None when the item has neither text nor title: the validator would reject it.
    """
    entry = item.entry
    title = " ".join(_text_of(entry.get("title"), entry.get("title_detail")).split())
    title = title[:MAX_TITLE]
    text = (body or "").strip() or entry_text(entry) or title
    if not text:
        return None
    article: dict[str, Any] = {
        "id": article_id(feed.url, item),
        "source": feed.source,
        "url": _http_url(item.link),
        "title": title,
        "body": text,
        "published_at": published_at(entry, fetched_at).isoformat(),
    }
    if feed.language and 2 <= len(feed.language) <= 16:
        article["language"] = feed.language
    return article


def entry_text(entry: Any) -> str:
    """The item's text: the longest of its content blocks and summary, HTML stripped."""
    texts = [_text_of(c.get("value"), c) for c in entry.get("content") or []]
    texts.append(_text_of(entry.get("summary"), entry.get("summary_detail")))
    return max(texts, key=len, default="")


def _text_of(value: str | None, detail: Any) -> str:
    """Plain text of a feed text construct: HTML stripped when its type says HTML (feedparser
    has already decoded escaped markup and sanitised it)."""
    kind = (detail or {}).get("type") or "text/html"
    return html_to_text(value or "") if "html" in kind else _tidy(value or "")


def published_at(entry: Any, fetched_at: datetime) -> datetime:
    """Published, else updated time (feedparser normalises both to UTC), else fetch time."""
    for field in ("published_parsed", "updated_parsed"):
        parsed: time.struct_time | None = entry.get(field)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return fetched_at.astimezone(UTC)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (stdlib `html.parser`): entities decoded, scripts and
    styles dropped, block elements on their own lines, runs of blanks collapsed."""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    extractor = _TextExtractor()
    extractor.feed(fragment)
    extractor.close()
    return _tidy("".join(extractor.parts))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:  # in HTML, a line break in the source is just a space
            self.parts.append(_WHITESPACE.sub(" ", data))


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\xa0", " ").splitlines())
    return "\n".join(line for line in lines if line)


def _clean_key(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _http_url(link: str | None) -> str | None:
    if link and link.startswith(("http://", "https://")) and len(link) <= MAX_URL:
        return link
    return None


def _one_line(exc: object) -> str:
    text = " ".join(str(exc or "").split())
    # expat's "<unknown>:2:42: no element found" -> "no element found (line 2, column 42)"
    return _EXPAT_WHERE.sub(r"\3 (line \1, column \2)", text)


def now_utc() -> datetime:
    return datetime.now(tz=UTC)
