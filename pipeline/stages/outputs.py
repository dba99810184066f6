"""What a stage asks its agent to send: output records with their topic and key.

A stage never sends; it returns `Output`s in the order they must go out. The agent sends
them in its transaction and the metrics bundle observes each one (outcome counts, dead
letters, end-to-end latency), so per-output bookkeeping lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from pydantic import BaseModel

from pipeline import topics
from pipeline.codec import encode
from pipeline.errors import InputError, OutputTooLargeError
from schemas.records import ArticleOutcome, DeadLetter

Clock = Callable[[], datetime]  # wall-clock time for `decided_at` / `failed_at` stamps


@dataclass(frozen=True, slots=True)
class Output:
    topic: str  # base topic name (`pipeline.topics`); the agent adds the deployment prefix
    key: str
    record: BaseModel
    ingest_ts: float | None = None  # the input's publish time, for end-to-end latency
    value: bytes | None = None  # the encoded record, once `fit` has measured it
    partition: int | None = None  # None: the partition Kafka's default partitioner picks

    def encoded(self) -> bytes:
        return self.value if self.value is not None else encode(self.record)


# Bytes a record needs besides its key and value in a batch of its own (Kafka's record and
# batch headers are ~70 bytes; the rest is margin).
RECORD_OVERHEAD = 512
# Room a candidate leaves for what event dedup adds (article refs, counts, enrichment).
ENRICHMENT_HEADROOM = 32_768


def fit(outputs: list[Output], max_bytes: int, stage: str,
        reject: Callable[[OutputTooLargeError], list[Output]]) -> list[Output]:
    """The outputs, encoded, when every one fits `max_bytes`; else what `reject` makes of the
    input (its dead letter and outcome), so no input is lost to a producer refusing a record."""
    encoded = [replace(o, value=o.encoded()) for o in outputs]
    for out in encoded:
        size = len(out.encoded())
        room = max_bytes - RECORD_OVERHEAD - len(out.key.encode())
        if out.topic == topics.EVENTS_CANDIDATES:
            room -= ENRICHMENT_HEADROOM
        if size > room:
            return [replace(o, value=o.encoded()) for o in reject(OutputTooLargeError(
                f"its {out.topic} record would be {size} bytes, over the {room} that fit "
                f"max_message_bytes={max_bytes}", stage=stage))]
    return encoded


def outcome(record: ArticleOutcome, ingest_ts: float) -> Output:
    return Output(topics.ARTICLES_OUTCOMES, record.input_ref, record, ingest_ts)


def rejection(err: InputError, original: bytes, ref: str, ingest_ts: float,
              now: Clock, max_bytes: int | None = None) -> list[Output]:
    """A bad input's dead letter (with the reason and the original bytes) and its outcome.
    With `max_bytes`, the original is cut so the letter fits (base64 grows it by a third)."""
    topic_name, partition, offset = ref.rsplit(":", 2)
    kept = original
    if max_bytes is not None:
        kept = original[:max(0, (max_bytes - _LETTER_ENVELOPE) * 3 // 4)]
    letter = DeadLetter(stage=err.stage, error_type=err.error_type, message=err.message[:2000],
                        original=kept, original_size=len(original),
                        truncated=len(kept) < len(original), source_topic=topic_name,
                        partition=int(partition), offset=int(offset), failed_at=now())
    rejected = ArticleOutcome(input_ref=ref, status="rejected", reason=err.error_type,
                              decided_at=now())
    return [Output(topics.ARTICLES_DLQ, ref, letter), outcome(rejected, ingest_ts)]


_LETTER_ENVELOPE = 8_192  # a dead letter's fields besides `original`, with margin
