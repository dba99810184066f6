"""Topic names: constants here, one place. A prefix (settings) isolates test runs."""

from __future__ import annotations

from dataclasses import dataclass

ARTICLES_RAW = "articles.raw"
ARTICLES_DLQ = "articles.dlq"
ARTICLES_OUTCOMES = "articles.outcomes"
ARTICLES_VALID = "articles.valid"  # internal: valid articles keyed by article id
EVENTS_CANDIDATES = "events.candidates"  # internal: mentions keyed by canonical event id
EVENTS_ENRICHED = "events.enriched"
EVENTS_MENTIONS = "events.mentions"
# Optional (WIRESTREAM_QUAD_TOPICS): `events.enriched` split by GDELT quad class, 1 verbal
# cooperation .. 4 material conflict, for consumers who want one kind only.
EVENTS_QUAD = tuple(f"events.quad.{quad}" for quad in (1, 2, 3, 4))


def quad_topic(quad_class: int) -> str:
    return EVENTS_QUAD[quad_class - 1]


# Topics whose latest record per key is what matters: compacted, so state is replayable.
COMPACTED = frozenset({EVENTS_ENRICHED, ARTICLES_OUTCOMES, *EVENTS_QUAD})
# The article-dedup stage reads one partition, so every article meets every candidate it
# could duplicate, whatever the number of workers (its table is co-partitioned with it).
SINGLE_PARTITION = frozenset({ARTICLES_VALID})
# Stamped by the broker (LogAppendTime), not by producers: the expiry clocks run on the input's
# arrival time, which a producer's clock or a backfill tool's event-time stamps must not set.
BROKER_TIMESTAMPED = frozenset({ARTICLES_RAW})

ALL_TOPICS = (
    ARTICLES_RAW,
    ARTICLES_DLQ,
    ARTICLES_OUTCOMES,
    ARTICLES_VALID,
    EVENTS_CANDIDATES,
    EVENTS_ENRICHED,
    EVENTS_MENTIONS,
)


# Faust tables; each is backed by a compacted changelog topic with its stream's partitions.
TABLE_ARTICLE_INDEX = "article-index"
TABLE_EVENT_STATE = "event-state"
TABLE_SOURCE = {TABLE_ARTICLE_INDEX: ARTICLES_VALID, TABLE_EVENT_STATE: EVENTS_CANDIDATES}
TABLES = tuple(TABLE_SOURCE)


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    compacted: bool
    broker_timestamped: bool = False


def topic_specs(prefix: str, app_id: str, partitions: int,
                quad_topics: bool = False) -> list[TopicSpec]:
    """Every topic the pipeline needs, including the tables' changelogs."""
    names = TopicNames(prefix)

    def count(base: str) -> int:
        return 1 if base in SINGLE_PARTITION else partitions

    bases = ALL_TOPICS + (EVENTS_QUAD if quad_topics else ())
    specs = [TopicSpec(names[b], count(b), b in COMPACTED, b in BROKER_TIMESTAMPED)
             for b in bases]
    specs += [TopicSpec(changelog_topic(app_id, t), count(src), True)
              for t, src in TABLE_SOURCE.items()]
    return specs


def changelog_topic(app_id: str, table: str) -> str:
    """The name Faust gives a table's changelog topic."""
    return f"{app_id}-{table}-changelog"


@dataclass(frozen=True)
class TopicNames:
    """The concrete topic names for one deployment (base names with an optional prefix)."""

    prefix: str = ""

    def __getitem__(self, base: str) -> str:
        return f"{self.prefix}{base}"

    def all(self) -> list[str]:
        return [self[t] for t in ALL_TOPICS]
