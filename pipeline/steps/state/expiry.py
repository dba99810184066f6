"""Event-time expiry for keyed state: which keys fell out of the window, per partition.

Kafka Streams and Faust tables keep state per partition, and a deletion must go to the
changelog partition the key lives in; so keys are tracked with their partition and only
the partition currently being processed is swept. Keys are bucketed by hour, so a sweep
touches only the buckets that expired, never the whole table.
"""

from __future__ import annotations

from collections import defaultdict

_BUCKET_SECONDS = 3600


def bounded_event_time(event_ts: float, ingest_ts: float, max_skew_seconds: float) -> float:
    """Event time for advancing expiry clocks, capped at ingest time + skew.

    One article dated years ahead (a feed bug) would otherwise move the event-time clock
    past every window and wipe the dedup state.
    """
    return min(event_ts, ingest_ts + max_skew_seconds)


class ExpiryIndex:
    """Remembers (partition, event time) per key; hands out keys older than the window."""

    def __init__(self, window_seconds: float) -> None:
        self.window_seconds = window_seconds
        self._where: dict[str, tuple[int, int]] = {}  # key -> (partition, bucket)
        self._buckets: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._high_water: float = float("-inf")  # newest event time seen (event-time clock)

    def __len__(self) -> int:
        return len(self._where)

    def touch(self, key: str, partition: int, event_ts: float) -> None:
        """Record that `key` was updated by an event at `event_ts` (keeps the newest)."""
        bucket = int(event_ts // _BUCKET_SECONDS)
        old = self._where.get(key)
        if old is not None:
            if old[1] >= bucket:
                self._high_water = max(self._high_water, event_ts)
                return
            self._buckets[old[0]][old[1]].discard(key)
        self._where[key] = (partition, bucket)
        self._buckets[partition][bucket].add(key)
        self._high_water = max(self._high_water, event_ts)

    def expired(self, partition: int) -> list[str]:
        """Keys of `partition` whose last event is older than the window; forgets them."""
        horizon = int((self._high_water - self.window_seconds) // _BUCKET_SECONDS)
        buckets = self._buckets.get(partition)
        if not buckets:
            return []
        keys: list[str] = []
        for bucket in [b for b in buckets if b < horizon]:
            for key in buckets.pop(bucket):
                self._where.pop(key, None)
                keys.append(key)
        return keys
