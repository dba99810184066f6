"""One frozen settings object, read from the environment once at start-up and passed in."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The default extractor, the clause engine (a dependency parse of the sentences that may hold
# an event); the lexical engine, `pipeline.steps.extraction.extract:extract_events`, is 25
# times faster and finds a fifth fewer events (README). `pipeline.stages.extractors` loads
# whatever is configured.
DEFAULT_EXTRACTOR = "pipeline.steps.clauses.extract:extract_events"
# What an article's internal record adds to its input: sketch, story vector, events (without
# their sentences, which are slices of the body) and the envelope.
OUTPUT_HEADROOM = 65_536
MAX_MESSAGE_BYTES = 1_048_576  # Kafka's own default limit (max.request.size, max.message.bytes)


class WirestreamSettings(BaseSettings):
    """Runtime configuration. Every field can be set as `WIRESTREAM_<NAME>` in the environment.

    `KAFKA_BOOTSTRAP_SERVERS` (without prefix) is honoured too, because that is the name every
    Kafka tool and container image uses.
    """

    model_config = SettingsConfigDict(env_prefix="WIRESTREAM_", frozen=True, extra="ignore")

    bootstrap_servers: str = Field(
        default="",
        validation_alias="KAFKA_BOOTSTRAP_SERVERS",
        description="Kafka bootstrap servers; empty means the local broker started by the CLI",
    )
    app_id: str = Field(default="wirestream", description="Faust app id = consumer group id")
    topic_prefix: str = Field(default="", description="Prefix for every topic (test isolation)")
    partitions: int = Field(default=4, ge=1, description="Partitions for topics we create")
    replication_factor: int = Field(default=1, ge=1)
    max_message_bytes: int = Field(default=MAX_MESSAGE_BYTES, ge=65_536, description="Largest "
                                   "record the pipeline sends: topics are created with this "
                                   "`max.message.bytes`, producers with this `max_request_size`")
    max_article_bytes: int | None = Field(default=None, ge=1024, description="Larger inputs "
                                          "are dead-lettered before parsing; default (and "
                                          "at most): max_message_bytes - 64 KiB, room for "
                                          "what an article adds downstream")
    stream_buffer_records: int = Field(default=256, ge=1, description="Records each agent "
                                       "buffers ahead of processing; the fetcher waits while "
                                       "it is full (backpressure: the backlog stays in Kafka)")
    extractor: str = Field(default=DEFAULT_EXTRACTOR,
                           description="The event extractor, `package.module:function` "
                           "(Article -> list[ExtractedEvent])")
    step_attempts: int = Field(default=3, ge=1, description="Runs of a failing step on one "
                               "record before it is dead-lettered (poison message)")
    article_dedup_window_hours: float = Field(default=72.0, gt=0, description="Near-duplicates "
                                              "and stories are looked for within this much "
                                              "of an article's publish time; entries are kept "
                                              "this long after they arrived")
    near_dup_jaccard: float = Field(default=0.5, gt=0, le=1, description="Estimated Jaccard "
                                    "similarity of word 3-shingles that makes a near-duplicate")
    near_dup_containment: float = Field(default=0.8, gt=0, le=1, description="...or this much "
                                        "of the smaller text contained in the larger (trims)")
    story_threshold: float = Field(default=0.22, gt=0, le=1, description="Cosine similarity to "
                                   "a story's centroid that joins the story")
    max_future_skew_hours: float = Field(default=1.0, ge=0, description="Input timestamps "
                                         "ahead of the worker's clock by more than this are "
                                         "capped (the expiry clocks run on them)")
    max_lateness_hours: float = Field(default=48.0, ge=0, description="How late an input may "
                                      "arrive after its publish time and still meet every "
                                      "copy and event: state is kept this much longer than "
                                      "its window")
    article_index_max_entries: int = Field(default=500_000, ge=1, description="Bound on the "
                                           "article index; the earliest arrivals go first")
    event_window_days: float = Field(default=7.0, gt=0, description="Canonical events are "
                                     "forgotten this long after their last mention arrived")
    event_state_max_entries: int = Field(default=1_000_000, ge=1, description="Bound on the "
                                         "event state (split evenly over its partitions)")
    event_update_interval_seconds: float = Field(default=5.0, ge=0, description="At most one "
                                                 "updated record per event per interval")
    event_max_article_refs: int = Field(default=20, ge=1, description="Bound on `articles` per "
                                        "canonical event")
    metrics_port: int = Field(default=9108, ge=0, description="Prometheus /metrics port; 0 = "
                              "pick a free one")
    metrics_host: str = "127.0.0.1"
    lag_poll_seconds: float = Field(default=5.0, gt=0)
    quad_topics: bool = Field(default=False, description="Also route every enriched event to "
                              "events.quad.1 .. events.quad.4 by its quad class")
    stall_seconds: float = Field(default=120.0, ge=0, description="A commit that has not "
                                 "returned after this long while the cluster answers restarts "
                                 "the worker process in place (pipeline/adapters/watchdog.py); "
                                 "0 = never")
    broker_wait_seconds: float = Field(default=0.0, ge=0, description="How long a starting "
                                       "worker waits for an unreachable cluster; 0 = forever")
    processing_guarantee: str = Field(default="exactly_once", pattern="^(at_least_once|"
                                      "exactly_once)$")
    # Exactly-once outputs become visible when their stage's transaction commits, and an
    # event crosses three stages: 0.2 s puts it on events.enriched within a second (p95 0.72 s
    # at 10 articles/s, bench/bench_suite.py) where 2.8 s took 8.6 s, at no cost in throughput
    # (201 vs 156 articles/s, same day: smaller transactions). Kafka Streams' EOS uses 0.1 s.
    commit_interval_seconds: float = Field(default=0.2, gt=0, description="How often offsets "
                                           "(and, exactly-once, transactions) are committed")
    session_timeout_seconds: float = Field(default=60.0, ge=6, description="A worker that stops "
                                           "heartbeating leaves the group after this long")
    data_dir: str = Field(default=".wirestream/worker", description="Faust table state dir")
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = Field(default=None, description="CA bundle to verify the brokers")
    ssl_certfile: str | None = Field(default=None, description="Client certificate (mTLS)")
    ssl_keyfile: str | None = None
    ssl_key_password: SecretStr | None = None
    ssl_check_hostname: bool = True

    @property
    def input_limit(self) -> int:
        """The largest raw input accepted: every record it yields then fits `max_message_bytes`."""
        return self.max_article_bytes or self.max_message_bytes - OUTPUT_HEADROOM

    @model_validator(mode="after")
    def _input_fits_outputs(self) -> WirestreamSettings:
        if self.max_article_bytes and \
                self.max_article_bytes > self.max_message_bytes - OUTPUT_HEADROOM:
            raise ValueError(f"max_article_bytes {self.max_article_bytes} leaves too little room "
                             f"under max_message_bytes {self.max_message_bytes} (at most "
                             f"{self.max_message_bytes - OUTPUT_HEADROOM})")
        return self

    @model_validator(mode="after")
    def _sasl_needs_credentials(self) -> WirestreamSettings:
        complete = self.sasl_mechanism and self.sasl_username and self.sasl_password
        if self.security_protocol.startswith("SASL_") and not complete:
            raise ValueError(f"security_protocol {self.security_protocol} needs "
                                 "WIRESTREAM_SASL_MECHANISM, _SASL_USERNAME and _SASL_PASSWORD")
        return self
