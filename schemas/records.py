"""Record schemas for every Wirestream topic.

These pydantic v2 models are the contract between the pipeline and its consumers. The JSON
Schema files in `schemas/json/` and the AsyncAPI document are generated from them
(`wirestream schemas write`); a test fails when the files are stale.

This package depends on nothing in `pipeline/`.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
)

SCHEMA_VERSION = 1

CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3")]
CameoCode = Annotated[str, Field(pattern=r"^[0-2][0-9]{1,3}$", description="CAMEO event code")]
EventStatus = Literal["actual", "planned", "expected", "threatened", "negated", "conditional"]
OutcomeStatus = Literal["processed", "duplicate", "rejected"]


def _aware_utc(value: datetime) -> datetime:
    """Naive timestamps are taken as UTC: feeds often omit the zone, and UTC is the convention."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_aware_utc)]


def _from_base64(value: object) -> object:
    if isinstance(value, str):
        return base64.b64decode(value, validate=True)
    return value


# Raw bytes in Python, base64 text on the wire (JSON cannot carry arbitrary bytes).
Base64Raw = Annotated[
    bytes,
    BeforeValidator(_from_base64),
    PlainSerializer(lambda b: base64.b64encode(b).decode("ascii"), return_type=str,
                    when_used="json"),
    WithJsonSchema({"type": "string", "contentEncoding": "base64"}),
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Article(BaseModel):
    """A news article as producers publish it to `articles.raw` (JSON, UTF-8).

    Unknown fields are ignored so feeds can carry their own metadata; the known ones are
    checked strictly.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=256, description="Producer's article id")
    source: str = Field(min_length=1, max_length=256, description="Outlet or feed name")
    url: str | None = Field(default=None, max_length=2048)
    title: str = Field(default="", max_length=2000)
    body: str = Field(min_length=1, description="Article text; must not be empty")
    language: str = Field(default="en", min_length=2, max_length=16)
    published_at: UtcDatetime = Field(
        description="Publication time; a date alone means midnight UTC, naive times are UTC"
    )

    @field_validator("published_at", mode="before")
    @classmethod
    def _date_only(cls, value: object) -> object:
        if isinstance(value, str) and len(value) == 10:
            return f"{value}T00:00:00+00:00"
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        return value or None


class Actor(_Record):
    """Who acts or is acted upon: surface text resolved to a country and role or an organisation."""

    text: str = Field(description="Surface text in the article")
    code: str = Field(description="Combined actor code, e.g. ISRGOV, USA, HAMAS")
    country: CountryCode | None = None
    role: str | None = Field(default=None, description="GOV, MIL, LEG, JUD, OPP, REB, BUS, ...")
    organisation: str | None = Field(default=None, description="Named organisation, e.g. HAMAS")
    country_name: str | None = Field(default=None, description="Filled in by enrichment")


class Location(_Record):
    name: str
    country: CountryCode | None = None
    lat: float | None = None
    lon: float | None = None


class Evidence(_Record):
    sentence: str
    start: int = Field(ge=0, description="Character offset of the sentence in the body")
    end: int = Field(ge=0)


class ExtractedEvent(_Record):
    """One event as the extractor finds it in one article (before dedup and enrichment).

    `source` is None when the text does not name who acted ("33 hostages were released").
    """

    source: Actor | None = None
    target: Actor | None = None
    code: CameoCode
    status: EventStatus = "actual"
    location: Location | None = None
    date_start: date | None = None
    date_end: date | None = None
    quantity: int | None = None
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)

    @property
    def root(self) -> str:
        return self.code[:2]


class ArticleRef(_Record):
    id: str
    source: str
    url: str | None = None
    title: str = ""


class EnrichedEvent(_Record):
    """A canonical event on `events.enriched`, keyed by `event_id` (compacted topic)."""

    schema_version: int = SCHEMA_VERSION
    event_id: str = Field(description="Stable id from (source, target, root, status, day); "
                          "never changes once announced")
    source: Actor | None = None
    target: Actor | None = None
    code: CameoCode
    root: CameoCode
    label: str = Field(description="CAMEO label of `code`")
    root_label: str
    quad_class: int = Field(ge=1, le=4, description="1 verbal coop, 2 material coop, 3 verbal "
                            "conflict, 4 material conflict")
    goldstein: float = Field(ge=-10.0, le=10.0)
    plover: str = Field(description="PLOVER event type the CAMEO code maps to")
    status: EventStatus
    location: Location | None = None
    date_start: date | None = None
    date_end: date | None = None
    quantity: int | None = None
    story_id: str | None = Field(default=None, description="Story of the first reporting article")
    revision: int = Field(ge=1, description="1 = first announcement of this event; higher = "
                          "updated counts (gaps: throttled updates were coalesced)")
    num_mentions: int = Field(ge=1)
    num_articles: int = Field(ge=1)
    num_sources: int = Field(ge=1)
    first_seen: UtcDatetime
    last_seen: UtcDatetime
    articles: list[ArticleRef] = Field(description="Bounded list of reporting articles")
    evidence: Evidence = Field(description="Evidence of the first mention")
    confidence: float = Field(ge=0.0, le=1.0)


class EventMention(_Record):
    """Every sighting of an event in an article, on `events.mentions`, keyed by `mention_id`."""

    schema_version: int = SCHEMA_VERSION
    mention_id: str
    event_id: str
    article_id: str
    source: str = Field(description="Outlet of the article")
    url: str | None = None
    published_at: UtcDatetime
    code: CameoCode
    status: EventStatus
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)


class DeadLetter(_Record):
    """An input that could not be processed, on `articles.dlq`, with why and where from."""

    schema_version: int = SCHEMA_VERSION
    stage: str = Field(description="Name of the step that rejected it")
    error_type: str = Field(description="Stable machine-readable reason, e.g. invalid_json")
    message: str = Field(description="Human-readable explanation")
    original: Base64Raw = Field(description="The original message value, base64 (its first "
                                "bytes when `truncated`)")
    original_size: int | None = Field(default=None, ge=0, description="Size of the original "
                                      "value in bytes")
    truncated: bool = Field(default=False, description="`original` was cut to fit the dead "
                            "letter under the topic's message size limit")
    source_topic: str
    partition: int
    offset: int
    failed_at: UtcDatetime


class ArticleOutcome(_Record):
    """Exactly one per consumed input message, on `articles.outcomes`.

    Keyed by `input_ref` (topic:partition:offset) so a consumer can prove nothing was lost.
    """

    schema_version: int = SCHEMA_VERSION
    input_ref: str = Field(description="source topic:partition:offset of the input message")
    status: OutcomeStatus
    article_id: str | None = None
    event_ids: list[str] = Field(default_factory=list)
    duplicate_of: str | None = Field(default=None, description="Article id this one repeats")
    supersedes: str | None = Field(default=None, description="Article id announced first that "
                                   "this one, published earlier, takes over from as the "
                                   "original: later copies name this one")
    similarity: float | None = Field(default=None, ge=0.0, le=1.0)
    story_id: str | None = Field(default=None, description="Articles about the same happening "
                                 "share a story id")
    reason: str | None = Field(default=None, description="error_type when rejected")
    published_at: UtcDatetime | None = None
    decided_at: UtcDatetime


RECORD_MODELS: dict[str, type[BaseModel]] = {
    "Article": Article,
    "ArticleOutcome": ArticleOutcome,
    "DeadLetter": DeadLetter,
    "EnrichedEvent": EnrichedEvent,
    "EventMention": EventMention,
    "ExtractedEvent": ExtractedEvent,
}


# --- internal topics (between the worker's own stages) -------------------------------------


class ArticleSketch(_Record):
    """What article dedup compares, computed in parallel before the sequential stage."""

    fingerprint: str = Field(description="Hash of the normalised token stream (exact copies)")
    signature: str = Field(description="MinHash signature of word 3-shingles, base64 uint32 LE")
    shingles: int = Field(ge=0, description="Distinct shingles (for containment)")
    terms: dict[str, float] = Field(description="Story feature vector (unit, top terms)")


class ValidArticle(_Record):
    """A validated article, its sketch and extracted events, on its way to article dedup."""

    input_ref: str
    ingest_ts: float = Field(description="Kafka timestamp of the raw input, epoch seconds")
    article: Article
    sketch: ArticleSketch
    events: list[ExtractedEvent] = Field(default_factory=list, description="An event's "
                                         "`evidence.sentence` is empty when it is the body's "
                                         "slice [start:end]: the body crosses once")


class EventCandidate(_Record):
    """One extracted mention on its way to event dedup: the unit the event stage folds (an
    `events.candidates` record holds several, `EventCandidates`; workers before 2026-12
    wrote one of these per record, keyed by its `event_id`, and they are still read)."""

    event_id: str
    mention_id: str
    event: ExtractedEvent
    article: ArticleRef
    published_at: UtcDatetime
    story_id: str | None = None
    input_ref: str
    ingest_ts: float


class CandidateMention(_Record):
    """One mention in an `EventCandidates` record."""

    event_id: str
    mention_id: str
    event: ExtractedEvent


class EventCandidates(_Record):
    """The mentions of one article whose events live in one event-dedup partition, keyed by
    the article id and sent to that partition (the one Kafka's default partitioner gives each
    `event_id`): one record per article and partition, the article's fields once."""

    article: ArticleRef
    published_at: UtcDatetime
    story_id: str | None = None
    input_ref: str
    ingest_ts: float
    mentions: list[CandidateMention] = Field(min_length=1)

    def candidates(self) -> list[EventCandidate]:
        return [EventCandidate(event_id=m.event_id, mention_id=m.mention_id, event=m.event,
                               article=self.article, published_at=self.published_at,
                               story_id=self.story_id, input_ref=self.input_ref,
                               ingest_ts=self.ingest_ts) for m in self.mentions]


RECORD_MODELS.update({"ValidArticle": ValidArticle, "EventCandidate": EventCandidate,
                      "EventCandidates": EventCandidates, "ArticleSketch": ArticleSketch})
