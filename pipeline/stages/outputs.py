"""What a stage asks its agent to send: output records with their topic and key.

A stage never sends; it returns `Output`s in the order they must go out. The agent sends
them in its transaction and the metrics bundle observes each one (outcome counts, dead
letters, end-to-end latency), so per-output bookkeeping lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from pipeline import topics
from pipeline.errors import InputError
from schemas.records import ArticleOutcome, DeadLetter

Clock = Callable[[], datetime]  # wall-clock time for `decided_at` / `failed_at` stamps


@dataclass(frozen=True, slots=True)
class Output:
    topic: str  # base topic name (`pipeline.topics`); the agent adds the deployment prefix
    key: str
    record: BaseModel
    ingest_ts: float | None = None  # the input's publish time, for end-to-end latency


def outcome(record: ArticleOutcome, ingest_ts: float) -> Output:
    return Output(topics.ARTICLES_OUTCOMES, record.input_ref, record, ingest_ts)


def rejection(err: InputError, original: bytes, ref: str, ingest_ts: float,
              now: Clock) -> list[Output]:
    """A bad input's dead letter (with the reason and the original bytes) and its outcome."""
    topic_name, partition, offset = ref.rsplit(":", 2)
    letter = DeadLetter(stage=err.stage, error_type=err.error_type, message=err.message,
                        original=original, source_topic=topic_name,
                        partition=int(partition), offset=int(offset), failed_at=now())
    rejected = ArticleOutcome(input_ref=ref, status="rejected", reason=err.error_type,
                              decided_at=now())
    return [Output(topics.ARTICLES_DLQ, ref, letter), outcome(rejected, ingest_ts)]
