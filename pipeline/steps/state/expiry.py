"""Expiry for keyed state by arrival time, per partition, with a hard bound on entries.

Kafka Streams and Faust tables keep state per partition, and a deletion must go to the
changelog partition the key lives in; so keys are tracked with their partition and only
the partition currently being processed is swept. Keys are bucketed by hour, so a sweep
touches only the buckets that expired, never the whole table.

The clock is *arrival* time (the broker's append time of the input, `ingest_ts`), not the
publish time the article claims: a backfill of 2005 articles next to a live feed, or one
article dated in the future, would otherwise move an event-time clock past every window and
wipe the state the other stream still needs. Matching stays by publish time (± the window of
the article's own date); expiry only decides how long an entry is kept.
"""

from __future__ import annotations

from collections import defaultdict

_BUCKET_SECONDS = 3600


def bounded_time(ts: float, now_ts: float, max_skew_seconds: float) -> float:
    """`ts` capped at `now_ts` + skew: a timestamp from a clock far ahead cannot run a
    clock ahead with it."""
    return min(ts, now_ts + max_skew_seconds)


class ExpiryIndex:
    """Remembers (partition, arrival time) per key; hands out keys older than the window, and
    the oldest keys of a partition holding more than `max_per_partition`."""

    def __init__(self, window_seconds: float, max_per_partition: int | None = None) -> None:
        self.window_seconds = window_seconds
        self.max_per_partition = max_per_partition
        self._where: dict[str, tuple[int, int]] = {}  # key -> (partition, bucket)
        self._buckets: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._counts: dict[int, int] = defaultdict(int)
        self._clock: float = float("-inf")  # latest arrival seen

    def __len__(self) -> int:
        return len(self._where)

    def touch(self, key: str, partition: int, arrived_ts: float) -> None:
        """Record that `key` was updated by an input that arrived at `arrived_ts`."""
        self._clock = max(self._clock, arrived_ts)
        bucket = int(arrived_ts // _BUCKET_SECONDS)
        old = self._where.get(key)
        if old is not None:
            if old[1] >= bucket:
                return
            self._buckets[old[0]][old[1]].discard(key)
            self._counts[old[0]] -= 1
        self._where[key] = (partition, bucket)
        self._buckets[partition][bucket].add(key)
        self._counts[partition] += 1

    def expired(self, partition: int) -> list[str]:
        """Keys of `partition` last updated longer than the window ago, then its oldest keys
        beyond the bound; forgets them."""
        horizon = int((self._clock - self.window_seconds) // _BUCKET_SECONDS)
        buckets = self._buckets.get(partition)
        if not buckets:
            return []
        keys: list[str] = []
        for bucket in [b for b in buckets if b < horizon]:
            keys.extend(buckets.pop(bucket))
        excess = 0 if self.max_per_partition is None else \
            self._counts[partition] - len(keys) - self.max_per_partition
        for bucket in sorted(buckets) if excess > 0 else []:
            members = buckets[bucket]
            while members and excess > 0:
                keys.append(members.pop())
                excess -= 1
            if not members:
                del buckets[bucket]
            if excess <= 0:
                break
        for key in keys:
            self._where.pop(key, None)
        self._counts[partition] -= len(keys)
        return keys
