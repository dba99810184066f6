"""`wirestream feed`: poll RSS/Atom feeds (URLs or local files) and publish each new item once
to `articles.raw`. The feed logic is in `pipeline.feeds` (pure); Kafka is only here."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pipeline import topics as T
from pipeline.feeds.fetch import DEFAULT_TIMEOUT, HostThrottle
from pipeline.feeds.seen import DEFAULT_MAX_KEYS, SeenStateError, SeenStore
from pipeline.settings import WirestreamSettings

if TYPE_CHECKING:  # imported lazily: feedparser only loads for `wirestream feed`
    from pipeline.feeds.poll import PollReport


def default_state_path(settings: WirestreamSettings) -> Path:
    return Path(settings.data_dir) / "feeds" / "seen.json"


def kafka_publisher(settings: WirestreamSettings):
    """`articles -> None`: publish to the (prefixed) `articles.raw`, keyed by article id as
    `wirestream publish` keys them; returns once every record is acknowledged."""
    import orjson

    from pipeline.adapters.kafka_io import publish

    topic = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]

    def send(articles: list[dict[str, Any]]) -> None:
        publish(settings, topic, [(a["id"].encode(), orjson.dumps(a)) for a in articles])

    return send


def feed(
    sources: Annotated[list[str], typer.Argument(
        help="Feed URLs (http/https) or local RSS/Atom files", metavar="SOURCES")],
    interval: Annotated[float, typer.Option(
        min=1.0, help="Seconds between two polls of one feed")] = 300.0,
    once: Annotated[bool, typer.Option(
        "--once", help="Poll every feed once and exit (1 if every feed failed)")] = False,
    full_text: Annotated[bool, typer.Option(
        "--full-text", help="Body = text of the linked page (needs wirestream\\[fulltext])")]
        = False,
    delay: Annotated[float, typer.Option(
        min=0.0, help="Politeness: seconds between two requests to one host")] = 1.0,
    state: Annotated[Path | None, typer.Option(
        help="Seen-set file (JSON, written atomically)",
        show_default="<WIRESTREAM_DATA_DIR>/feeds/seen.json")] = None,
    max_seen: Annotated[int, typer.Option(
        min=1, help="Seen keys (guids, links) kept per feed; the oldest go first")]
        = DEFAULT_MAX_KEYS,
    timeout: Annotated[float, typer.Option(
        min=0.1, help="Seconds before a request is given up")] = DEFAULT_TIMEOUT,
) -> None:
    """Poll RSS/Atom feeds and publish each new item once to articles.raw."""
    from pipeline.cli.main import connected_settings
    from pipeline.feeds.fulltext import FullTextFetcher, FullTextUnavailable
    from pipeline.feeds.poll import Schedule, poll_feed

    throttle = HostThrottle(delay)
    try:
        pages = FullTextFetcher(throttle, timeout=timeout) if full_text else None
    except FullTextUnavailable as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    settings = connected_settings()
    state_path = state or default_state_path(settings)
    try:
        store = SeenStore.load(state_path, max_keys=max_seen)
    except SeenStateError as exc:
        raise typer.BadParameter(str(exc), param_hint="--state") from exc
    send = kafka_publisher(settings)

    def poll(source: str) -> PollReport:
        report = poll_feed(source, store, send, throttle=throttle, timeout=timeout,
                           full_text=pages)
        typer.echo(report.line())
        return report

    unique = list(dict.fromkeys(sources))
    if once:
        reports = [poll(source) for source in unique]
        raise typer.Exit(0 if any(r.ok for r in reports) else 1)
    typer.echo(f"polling {len(unique)} feed(s) every {interval:g}s; state in {state_path}; "
               "Ctrl-C stops")
    schedule = Schedule(unique, interval)
    try:
        while True:
            for source in schedule.due():
                poll(source)
                schedule.polled(source)
            time.sleep(schedule.wait())
    except KeyboardInterrupt:
        typer.echo("stopped")
