"""Throttle re-emission of updated records, so a viral event does not flood consumers.

The first version of a key goes out at once; later updates at most once per interval per
key, the newest one winning (coalesced). The clock is injected (tests use a fake one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class UpdateThrottle(Generic[V]):
    def __init__(self, interval_seconds: float, clock: Callable[[], float]) -> None:
        self.interval = interval_seconds
        self._clock = clock
        self._last_emit: dict[str, float] = {}
        self._pending: dict[str, V] = {}

    def offer(self, key: str, value: V, *, first: bool) -> V | None:
        """Returns the value to emit now, or None when it is held back (to be flushed)."""
        now = self._clock()
        last = self._last_emit.get(key)
        if first or last is None or now - last >= self.interval:
            self._last_emit[key] = now
            self._pending.pop(key, None)
            return value
        self._pending[key] = value
        return None

    def hold(self, key: str, value: V) -> None:
        """Queue a value for the next `due()` (an update a previous worker never sent)."""
        self._pending[key] = value

    def due(self) -> list[V]:
        """Held-back values whose interval has passed; forgets keys that went quiet."""
        now = self._clock()
        ready = [k for k in self._pending if now - self._last_emit.get(k, 0.0) >= self.interval]
        out = []
        for key in ready:
            out.append(self._pending.pop(key))
            self._last_emit[key] = now
        quiet = [k for k, t in self._last_emit.items()
                 if k not in self._pending and now - t >= self.interval]
        for key in quiet:
            del self._last_emit[key]
        return out

    @property
    def pending(self) -> int:
        return len(self._pending)
