"""Which event-dedup partition an event lives in, and one `events.candidates` record per
article and partition.

An event's state lives in the partition Kafka's default partitioner gives its `event_id`
(murmur2 of the key, as the Java client, kafka-python and aiokafka compute it): the partition
its candidates went to when each was a record keyed by event id. Keeping that placement lets
a worker of this version take over the state and in-flight records of an older one. The hash
is written out here because this layer imports no Kafka client; a unit test checks it against
kafka-python's and aiokafka's over many keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.records import CandidateMention, EventCandidate, EventCandidates

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`), unsigned 32-bit."""
    length = len(data)
    h = (0x9747B28C ^ length) & _MASK
    for i in range(0, length - length % 4, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    tail = data[length - length % 4:]
    if len(tail) >= 3:
        h ^= tail[2] << 16
    if len(tail) >= 2:
        h ^= tail[1] << 8
    if tail:
        h = ((h ^ tail[0]) * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    return h ^ (h >> 15)


def partition_of(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner sends `key` to."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


def by_partition(candidates: Sequence[EventCandidate],
                 partitions: int) -> list[tuple[int, EventCandidates]]:
    """The candidates of one article as one record per partition their events live in,
    partitions in the order of their first event, mentions in the order given."""
    groups: dict[int, list[EventCandidate]] = {}
    for candidate in candidates:
        groups.setdefault(partition_of(candidate.event_id, partitions), []).append(candidate)
    return [(partition, _record(group)) for partition, group in groups.items()]


def _record(group: list[EventCandidate]) -> EventCandidates:
    first = group[0]
    return EventCandidates(
        article=first.article, published_at=first.published_at, story_id=first.story_id,
        input_ref=first.input_ref, ingest_ts=first.ingest_ts,
        mentions=[CandidateMention(event_id=c.event_id, mention_id=c.mention_id, event=c.event)
                  for c in group])
