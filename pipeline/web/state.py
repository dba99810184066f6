"""What `wirestream web` shows, without Kafka: the page's view of one event, the bounded store
of the latest record per event id (newest first) and the fan-out of its changes to the
Server-Sent Events clients."""

from __future__ import annotations

import bisect
import contextlib
import queue
import threading
from datetime import datetime
from typing import Any

import orjson

from pipeline.web.geo import project
from schemas.records import Actor, EnrichedEvent

DEFAULT_MAX_EVENTS = 500


def actor_view(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {"text": actor.text, "code": actor.code, "country": actor.country,
            "country_name": actor.country_name}


def event_view(event: EnrichedEvent) -> dict[str, Any]:
    """The fields the page uses; `x`/`y` are map coordinates when the location has lat/lon."""
    location = event.location
    view: dict[str, Any] = {
        "id": event.event_id,
        "source": actor_view(event.source),
        "target": actor_view(event.target),
        "code": event.code, "root": event.root, "label": event.label,
        "root_label": event.root_label, "quad_class": event.quad_class,
        "goldstein": event.goldstein, "status": event.status,
        "location": None, "x": None, "y": None,
        "date_start": event.date_start.isoformat() if event.date_start else None,
        "date_end": event.date_end.isoformat() if event.date_end else None,
        "num_mentions": event.num_mentions, "num_articles": event.num_articles,
        "num_sources": event.num_sources, "revision": event.revision,
        "first_seen": event.first_seen.isoformat(), "last_seen": event.last_seen.isoformat(),
        "title": event.articles[0].title if event.articles else "",
        "url": event.articles[0].url if event.articles else None,
    }
    if location is not None:
        view["location"] = {"name": location.name, "country": location.country,
                            "lat": location.lat, "lon": location.lon}
        if location.lat is not None and location.lon is not None:
            x, y = project(location.lon, location.lat)
            view["x"], view["y"] = round(x, 2), round(y, 2)
    return view


def _order_key(view: dict[str, Any]) -> tuple[float, float, str]:
    """Newest = latest `last_seen`, then latest `first_seen`; the id breaks ties."""
    return (datetime.fromisoformat(view["last_seen"]).timestamp(),
            datetime.fromisoformat(view["first_seen"]).timestamp(), view["id"])


class LatestStore:
    """The latest view per event id, at most `max_events` of them: the newest by `last_seen`
    stay, an update replaces the older record of its id. Thread-safe."""

    def __init__(self, max_events: int = DEFAULT_MAX_EVENTS) -> None:
        if max_events < 1:
            raise ValueError("max_events must be at least 1")
        self.max_events = max_events
        self._views: dict[str, dict[str, Any]] = {}
        self._order: list[tuple[float, float, str]] = []  # ascending: oldest first
        self._lock = threading.Lock()
        self.version = 0  # bumped by every change

    def __len__(self) -> int:
        return len(self._views)

    def _drop(self, event_id: str) -> None:
        key = _order_key(self._views.pop(event_id))
        del self._order[bisect.bisect_left(self._order, key)]

    def put(self, view: dict[str, Any]) -> list[str]:
        """Keep `view` as the latest of its id; returns the ids evicted to stay in bound
        (its own id when it is older than everything a full store holds)."""
        with self._lock:
            if view["id"] in self._views:
                self._drop(view["id"])
            self._views[view["id"]] = view
            bisect.insort(self._order, _order_key(view))
            evicted = []
            while len(self._order) > self.max_events:
                oldest = self._order[0][2]
                self._drop(oldest)
                evicted.append(oldest)
            self.version += 1
            return evicted

    def remove(self, event_id: str) -> bool:
        """Forget an id (a tombstone on the compacted topic)."""
        with self._lock:
            if event_id not in self._views:
                return False
            self._drop(event_id)
            self.version += 1
            return True

    def newest_first(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self._views[key[2]] for key in reversed(self._order)]


def snapshot(store: LatestStore, *, reader: str = "live") -> dict[str, Any]:
    """The body of `/events.json`: the latest record per event id, newest first."""
    events = store.newest_first()
    return {"events": events, "count": len(events), "max_events": store.max_events,
            "version": store.version, "reader": reader}


def sse_message(data: Any, event: str | None = None) -> bytes:
    """One Server-Sent Event: optional `event:` line, one `data:` line of JSON, blank line."""
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + orjson.dumps(data) + b"\n\n"


class Hub:
    """Fans messages out to subscribers, each with a bounded queue: a client too slow to keep
    up is dropped (its queue gets `None`), and its EventSource reconnects to a fresh
    snapshot."""

    def __init__(self, queue_size: int = 1000) -> None:
        self._queue_size = queue_size
        self._subscribers: set[queue.Queue[bytes | None]] = set()
        self._lock = threading.Lock()

    def subscribe(self) -> queue.Queue[bytes | None]:
        q: queue.Queue[bytes | None] = queue.Queue(self._queue_size)
        with self._lock:
            self._subscribers.add(q)
        return q

    def unsubscribe(self, q: queue.Queue[bytes | None]) -> None:
        with self._lock:
            self._subscribers.discard(q)

    def __len__(self) -> int:
        return len(self._subscribers)

    def publish(self, message: bytes) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for q in subscribers:
            try:
                q.put_nowait(message)
            except queue.Full:
                self.unsubscribe(q)
                self._end(q)

    def close(self) -> None:
        """Tell every subscriber to finish (server shutdown)."""
        with self._lock:
            subscribers, self._subscribers = list(self._subscribers), set()
        for q in subscribers:
            self._end(q)

    @staticmethod
    def _end(q: queue.Queue[bytes | None]) -> None:
        for _ in range(3):
            try:
                q.put_nowait(None)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):  # make room: it is dropped anyway
                    q.get_nowait()


def update_message(view: dict[str, Any], evicted: list[str]) -> bytes:
    """The SSE message for one changed event (and the ids that left the bounded store)."""
    return sse_message({"event": view, "evicted": evicted}, event="update")


def removal_message(event_id: str) -> bytes:
    return sse_message({"event": None, "evicted": [event_id]}, event="update")
