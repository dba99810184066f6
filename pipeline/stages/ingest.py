"""The ingest stage (agent `validate`, source `articles.raw`): raw bytes in, a `ValidArticle`
with its extracted events and dedup sketch out, or a dead letter.

Validation and extraction, the costly steps, run here in parallel over the raw partitions.
A bad input is data: it becomes a dead letter and a `rejected` outcome, never an exception;
a step that raises is retried as `pipeline.errors.policy` says, then dead-lettered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field

from pipeline import topics
from pipeline.errors import InputError, as_input_error, call_with_retries
from pipeline.settings import MAX_MESSAGE_BYTES, WirestreamSettings
from pipeline.stages.extractors import Extractor
from pipeline.stages.outputs import Clock, Output, fit, rejection
from pipeline.steps import validate
from pipeline.steps.article_dedup.article_index import sketch
from pipeline.steps.state.expiry import bounded_time
from schemas.records import Article, Evidence, ExtractedEvent, ValidArticle

VALIDATE = validate.STAGE  # the agent's name
EXTRACT = "extract_events"
# It names a title and an office holder's surname too ("Secretary Kerry"), so the surname
# table (`actor_lexicon.office_surnames`, a third of a second) is built before ready as well.
_WARM_UP = (b'{"id": "warm-up", "source": "wirestream", "published_at": "2015-02-04", '
            b'"body": "Israeli Prime Minister Benjamin Netanyahu met Secretary Kerry and US '
            b'officials in Washington on Tuesday."}')


@dataclass
class IngestResult:
    outputs: list[Output]
    seconds: dict[str, float] = field(default_factory=dict)  # step name -> time spent
    finished: list[str] = field(default_factory=list)  # steps that succeeded, in order
    events: list[ExtractedEvent] = field(default_factory=list)
    retries: int = 0  # re-runs of the extractor after an unexpected error


class IngestStage:
    def __init__(self, extract: Extractor, *, max_article_bytes: int, attempts: int,
                 now: Clock, max_message_bytes: int = MAX_MESSAGE_BYTES,
                 max_future_skew_seconds: float = 3600.0,
                 timer: Callable[[], float] = time.perf_counter) -> None:
        self.extract = extract
        self.max_article_bytes = max_article_bytes
        self.max_message_bytes = max_message_bytes
        self.attempts = attempts
        self.now = now
        self.skew = max_future_skew_seconds
        self.timer = timer

    @classmethod
    def from_settings(cls, extract: Extractor, settings: WirestreamSettings,
                      now: Clock) -> IngestStage:
        """The stage as the worker configures it (the eval commands build it the same way)."""
        return cls(extract, max_article_bytes=settings.input_limit,
                   attempts=settings.step_attempts, now=now,
                   max_message_bytes=settings.max_message_bytes,
                   max_future_skew_seconds=settings.max_future_skew_hours * 3600)

    def warm(self) -> None:
        """Run the extractor once on a short article, so dictionaries and automata are built
        before the worker takes traffic (they load on first use, in seconds)."""
        self.process(_WARM_UP, "warm-up:0:0", 0.0)

    def warm_in_background(self) -> Future[None]:
        """`warm` in a thread: the dictionaries build while the worker joins its group and
        recovers its tables. The caller waits for the future before the first article."""
        done: Future[None] = Future()

        def run() -> None:
            try:
                self.warm()
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                done.set_exception(exc)
            else:
                done.set_result(None)

        threading.Thread(target=run, name="wirestream-warm-up", daemon=True).start()
        return done

    def process(self, value: bytes, ref: str, ingest_ts: float) -> IngestResult:
        """`ingest_ts`: the input record's timestamp, the arrival time every expiry clock
        downstream runs on; capped here at now + skew (a producer clock far ahead)."""
        ingest_ts = bounded_time(ingest_ts, self.now().timestamp(), self.skew)
        result = IngestResult(outputs=[])
        try:
            with _timed(result.seconds, VALIDATE, self.timer):
                article = validate.decode_article(value, max_bytes=self.max_article_bytes)
        except Exception as exc:  # noqa: BLE001 - bad input must never stop the partition
            return self._reject(result, as_input_error(exc, VALIDATE, 1), value, ref, ingest_ts)
        result.finished.append(VALIDATE)

        def on_retry(_: Exception) -> None:
            result.retries += 1

        try:
            with _timed(result.seconds, EXTRACT, self.timer):
                found = call_with_retries(lambda: self.extract(article),
                                          attempts=self.attempts, on_retry=on_retry)
        except Exception as exc:  # noqa: BLE001 - a poison record must not stop the partition
            error = as_input_error(exc, EXTRACT, self.attempts)
            return self._reject(result, error, value, ref, ingest_ts)
        result.finished.append(EXTRACT)
        result.events = found
        record = ValidArticle(input_ref=ref, ingest_ts=ingest_ts, article=article,
                              sketch=sketch(article), events=compact_events(article, found))
        result.outputs = fit(
            [Output(topics.ARTICLES_VALID, article.id, record)], self.max_message_bytes,
            EXTRACT, lambda err: rejection(err, value, ref, ingest_ts, self.now,
                                           self.max_message_bytes))
        return result

    def _reject(self, result: IngestResult, err: InputError, value: bytes, ref: str,
                ingest_ts: float) -> IngestResult:
        result.outputs.extend(rejection(err, value, ref, ingest_ts, self.now,
                                        self.max_message_bytes))
        return result


def compact_events(article: Article, events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """The events with each evidence sentence that is the body's slice left out (article
    dedup puts it back, `restore_events`): a dense article would otherwise cross with its
    text twice and outgrow the message limit."""
    body = article.body
    return [_with_sentence(e, "") if e.evidence.sentence
            and body[e.evidence.start:e.evidence.end] == e.evidence.sentence else e
            for e in events]


def restore_events(article: Article, events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """`compact_events` undone: empty evidence sentences are the body's slices again."""
    body = article.body
    return [e if e.evidence.sentence else
            _with_sentence(e, body[e.evidence.start:e.evidence.end]) for e in events]


def _with_sentence(event: ExtractedEvent, sentence: str) -> ExtractedEvent:
    evidence = event.evidence
    return event.model_copy(update={"evidence": Evidence.model_construct(
        sentence=sentence, start=evidence.start, end=evidence.end)})


@contextmanager
def _timed(seconds: dict[str, float], name: str, timer: Callable[[], float]) -> Iterator[None]:
    """Records the time the block took as `seconds[name]`, also when it raises."""
    start = timer()
    try:
        yield
    finally:
        seconds[name] = timer() - start
