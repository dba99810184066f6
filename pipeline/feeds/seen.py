"""The seen-set: which items of each feed were published already, plus the feed's HTTP cache
validators (ETag, Last-Modified), in one JSON file written atomically.

Keys are `guid:<guid>` and `link:<link>`: an item whose guid changes but whose link was seen
(or the other way round) counts as seen. Each feed keeps at most `max_keys` keys, most
recently seen last; the oldest go first, so items still in a feed are never dropped before
items that left it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_MAX_KEYS = 10_000
FORMAT_VERSION = 1


class SeenStateError(ValueError):
    """The state file exists but cannot be read as a seen-set."""


@dataclass
class FeedMemory:
    keys: dict[str, None] = field(default_factory=dict)  # insertion-ordered set, oldest first
    etag: str | None = None
    modified: str | None = None  # the Last-Modified header, sent back as If-Modified-Since


class SeenStore:
    def __init__(self, path: Path, *, max_keys: int = DEFAULT_MAX_KEYS) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self.path = path
        self.max_keys = max_keys
        self.feeds: dict[str, FeedMemory] = {}

    @classmethod
    def load(cls, path: Path, *, max_keys: int = DEFAULT_MAX_KEYS) -> SeenStore:
        """The store saved at `path`, or an empty one if there is no file yet."""
        store = cls(path, max_keys=max_keys)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return store
        except (OSError, ValueError) as exc:
            raise SeenStateError(f"cannot read the feed state {path}: {exc}") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("feeds"), dict):
            raise SeenStateError(f"{path} is not a wirestream feed state file")
        for url, data in payload["feeds"].items():
            memory = FeedMemory(dict.fromkeys(str(k) for k in data.get("keys", [])),
                                data.get("etag"), data.get("modified"))
            store.feeds[url] = memory
            store._trim(memory)
        return store

    def memory(self, feed_url: str) -> FeedMemory:
        return self.feeds.setdefault(feed_url, FeedMemory())

    def is_seen(self, feed_url: str, keys: Iterable[str]) -> bool:
        memory = self.feeds.get(feed_url)
        return memory is not None and any(k in memory.keys for k in keys)

    def add(self, feed_url: str, keys: Iterable[str]) -> None:
        """Remember the keys as the most recently seen ones (moved to the end if known)."""
        memory = self.memory(feed_url)
        for key in keys:
            memory.keys.pop(key, None)
            memory.keys[key] = None
        self._trim(memory)

    def set_validators(self, feed_url: str, etag: str | None, modified: str | None) -> None:
        memory = self.memory(feed_url)
        memory.etag, memory.modified = etag, modified

    def save(self) -> None:
        """Write the whole state atomically: a temporary file in the same folder, fsynced,
        then `os.replace`d over the old one (a crash leaves the old or the new file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": FORMAT_VERSION, "feeds": {
            url: _dump(memory) for url, memory in sorted(self.feeds.items())}}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                   suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _trim(self, memory: FeedMemory) -> None:
        excess = len(memory.keys) - self.max_keys
        if excess > 0:
            for key in list(memory.keys)[:excess]:
                del memory.keys[key]


def _dump(memory: FeedMemory) -> dict[str, Any]:
    return {"keys": list(memory.keys), "etag": memory.etag, "modified": memory.modified}
