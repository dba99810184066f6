"""Getting a feed's bytes: HTTP(S) with urllib (conditional GET, timeouts, a size cap) or a
local file; plus the per-host politeness delay."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

USER_AGENT = "wirestream-feed/0.1"
DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 20 * 1024 * 1024
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
               "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5")
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


class FetchError(Exception):
    """The source could not be read; the message says why in one line."""


@dataclass(frozen=True)
class Fetched:
    content: bytes | None  # None: 304 Not Modified
    status: int  # the HTTP status; 200 for a local file
    etag: str | None = None
    modified: str | None = None
    content_type: str | None = None  # None: a local file

    @property
    def not_modified(self) -> bool:
        return self.content is None


def is_http(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def feed_identity(source: str) -> str:
    """The key of a feed in the seen-set and its article ids: the URL as given, or the
    resolved path of a local file (so `./a.xml` and `a.xml` are one feed)."""
    return source if is_http(source) else str(Path(source).expanduser().resolve())


def fetch(source: str, *, etag: str | None = None, modified: str | None = None,
          timeout: float = DEFAULT_TIMEOUT, accept: str = FEED_ACCEPT,
          max_bytes: int = MAX_BYTES) -> Fetched:
    """GET `source` (If-None-Match / If-Modified-Since when given) or read it from disk.

    `timeout` bounds each socket operation and the whole body download. Raises `FetchError`.
    """
    if not is_http(source):
        return _read_file(source, max_bytes)
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    request = urllib.request.Request(source, headers=headers)  # noqa: S310 - http(s) only
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            content = _read_body(response, deadline, timeout, max_bytes)
            return Fetched(content, response.status, response.headers.get("ETag"),
                           response.headers.get("Last-Modified"),
                           response.headers.get("Content-Type"))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(None, 304, exc.headers.get("ETag") or etag,
                           exc.headers.get("Last-Modified") or modified)
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise FetchError(f"timed out after {timeout:g}s") from exc
        raise FetchError(f"cannot connect: {exc.reason}") from exc
    except TimeoutError as exc:
        raise FetchError(f"timed out after {timeout:g}s") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"connection failed: {type(exc).__name__}: {exc}") from exc


def _read_body(response: http.client.HTTPResponse, deadline: float, timeout: float,
               max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(65_536):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"response larger than {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {timeout:g}s (body too slow)")
        chunks.append(chunk)
    return b"".join(chunks)


def _read_file(source: str, max_bytes: int) -> Fetched:
    path = Path(source).expanduser()
    try:
        if path.stat().st_size > max_bytes:
            raise FetchError(f"file larger than {max_bytes} bytes")
        return Fetched(path.read_bytes(), 200)
    except FileNotFoundError as exc:
        raise FetchError(f"no such file: {path}") from exc
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from exc


class HostThrottle:
    """At most one request per `delay` seconds to each host (local files: no delay)."""

    def __init__(self, delay: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, url: str) -> None:
        if not is_http(url):
            return
        host = (urlsplit(url).hostname or "").lower()
        last = self._last.get(host)
        if last is not None:
            remaining = last + self.delay - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last[host] = self._clock()
