"""`--full-text`: the article text of an item's linked page, extracted with trafilatura (an
optional extra, imported only when asked for)."""

from __future__ import annotations

from types import ModuleType

from pipeline.feeds.fetch import (
    DEFAULT_TIMEOUT,
    HTML_ACCEPT,
    FetchError,
    HostThrottle,
    fetch,
    is_http,
)

INSTALL_HINT = ("--full-text needs trafilatura, which is not installed: "
                "pip install 'wirestream[fulltext]'")


class FullTextUnavailable(RuntimeError):
    """trafilatura is not installed."""


def load_trafilatura() -> ModuleType:
    try:
        import trafilatura
    except ImportError as exc:
        raise FullTextUnavailable(INSTALL_HINT) from exc
    return trafilatura


def extract_text(html: bytes | str, url: str | None = None) -> str | None:
    """The main text of an HTML page, or None when trafilatura finds none."""
    text = load_trafilatura().extract(html, url=url, include_comments=False,
                                      include_tables=False)
    return text.strip() or None if text else None


class FullTextFetcher:
    """Callable `link -> text or None`: GETs the page (politely) and extracts its text."""

    def __init__(self, throttle: HostThrottle, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        load_trafilatura()  # fail at start-up, not at the first new item
        self._throttle = throttle
        self._timeout = timeout

    def __call__(self, link: str) -> str | None:
        if not is_http(link):  # never read local files a feed points at
            return None
        try:
            self._throttle.wait(link)
            page = fetch(link, timeout=self._timeout, accept=HTML_ACCEPT)
        except FetchError:
            return None
        return extract_text(page.content, link) if page.content else None
