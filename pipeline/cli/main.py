"""`wirestream` command line: broker, topics, worker, publish, events, demo, schemas."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipeline import broker as local_broker
from pipeline import topics as T
from pipeline.cli.feed import feed as feed_command
from pipeline.cli.tail import tail as tail_command
from pipeline.cli.web import web as web_command
from pipeline.settings import WirestreamSettings

app = typer.Typer(help="Wirestream: news articles in, structured events out, on Kafka.",
                  no_args_is_help=True)
broker_app = typer.Typer(help="The local single-node Kafka broker (KRaft, 127.0.0.1).")
schemas_app = typer.Typer(help="JSON Schema / AsyncAPI documents generated from the models.")
app.add_typer(broker_app, name="broker")
eval_app = typer.Typer(help="Score the pipeline's steps against labelled files.")
app.add_typer(schemas_app, name="schemas")
app.add_typer(eval_app, name="eval")
app.command("feed")(feed_command)
app.command("web")(web_command)
app.command("tail")(tail_command)
# Piped output (CI logs, `| less`) gets a width the event table fits in.
console = Console(width=None if Console().is_terminal else 140)


def connected_settings() -> WirestreamSettings:
    """Settings with bootstrap servers resolved: the environment wins, else the local broker."""
    settings = WirestreamSettings()
    if settings.bootstrap_servers:
        return settings
    info = local_broker.resolve_bootstrap()
    if info is None:
        raise typer.BadParameter(
            "no Kafka cluster: set KAFKA_BOOTSTRAP_SERVERS or run `wirestream broker start`")
    return settings.model_copy(update={"bootstrap_servers": info.bootstrap_servers})


@broker_app.command("start")
def broker_start() -> None:
    """Fetch the Kafka jars (once), format storage and start the broker; wait until ready."""
    info = local_broker.start_broker()
    console.print(f"broker ready at [bold]{info.bootstrap_servers}[/] "
                  f"({'external' if info.external else f'pid {info.pid}, log {info.log_file}'})")


@broker_app.command("stop")
def broker_stop() -> None:
    """Stop the local broker started by `broker start`."""
    stopped = local_broker.stop_broker()
    console.print("broker stopped" if stopped else "no local broker was running")


@broker_app.command("status")
def broker_status() -> None:
    """Show whether the local broker runs, and where."""
    info = local_broker.broker_status()
    if info is None:
        console.print("no local broker is running")
        raise typer.Exit(1)
    console.print(f"running at {info.bootstrap_servers} (pid {info.pid})")


@app.command("topics")
def topics_create() -> None:
    """Create every pipeline topic that does not exist yet."""
    from pipeline.adapters.kafka_io import ensure_topics

    created = ensure_topics(connected_settings())
    console.print(f"created: {', '.join(created) or 'nothing (all exist)'}")


@app.command()
def worker(loglevel: str = "info") -> None:
    """Run a stream-processing worker until Ctrl-C / SIGTERM."""
    from pipeline.worker import run_worker

    logging.basicConfig(level=loglevel.upper())
    logging.getLogger("kafka").setLevel(logging.WARNING)  # kafka-python is chatty at INFO
    run_worker(connected_settings(), loglevel=loglevel)


@app.command()
def publish(
    files: Annotated[list[Path], typer.Argument(help="JSONL files: one message per line")],
    topic: Annotated[str, typer.Option(help="Base topic name")] = T.ARTICLES_RAW,
) -> None:
    """Publish each line of the files as one raw message (bad lines included, on purpose)."""
    from pipeline.adapters.client import publish_files, read_lines
    from pipeline.cli.progress import progress

    settings = connected_settings()
    with progress(len(read_lines(files)), "publishing", console=console) as bar:
        sent = publish_files(settings, files, T.TopicNames(settings.topic_prefix)[topic],
                             on_sent=bar.advance)
    console.print(f"published {len(sent)} messages")


@app.command()
def events(
    timeout: Annotated[float, typer.Option(help="Seconds to read for")] = 10.0,
) -> None:
    """Print the canonical events currently on events.enriched."""
    from pipeline.adapters.client import latest_events
    from pipeline.cli.report import events_table

    console.print(events_table(latest_events(connected_settings(), timeout=timeout)))


@app.command()
def demo(
    seeds: Annotated[Path, typer.Option(help="Folder of JSONL samples")] = Path("seeds"),
    wait: Annotated[bool, typer.Option(help="Keep running until Ctrl-C")] = True,
) -> None:
    """The main job: broker, topics, worker, publish seeds/, show the events, run until Ctrl-C."""
    from pipeline.cli.demo import run_demo

    run_demo(seeds, console=console, wait=wait)


@schemas_app.command("write")
def schemas_write(
    out: Annotated[Path, typer.Option(help="Target folder")] = Path("schemas"),
) -> None:
    """Regenerate schemas/json/*.schema.json and schemas/asyncapi.json."""
    from pipeline.cli.schema_docs import write_documents

    for path in write_documents(out):
        console.print(f"wrote {path}")


@eval_app.command("events")
def eval_events(
    gold: Annotated[Path, typer.Argument(help="Gold file (seeds/README.md format)")],
) -> None:
    """Precision/recall/F1 of extracted (source, target, root) plus location/date/status."""
    from pipeline.cli.progress import progress
    from pipeline.evaluation.events import run

    with progress(None, "scoring articles", console=console) as bar:
        run(gold, console, on_article=bar.update)


@eval_app.command("dedup")
def eval_dedup(
    labelled: Annotated[Path, typer.Argument(help="Labelled articles (story, dup_group)")],
    late_hours: Annotated[float, typer.Option(
        help="A fifth of the articles arrive up to this many hours late")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of the simulated arrival lags")] = 7,
) -> None:
    """Near-duplicate P/R (direct pairs and pairwise) and story BCubed P/R/F1, through the
    worker's stages in publish order with realistic arrival lags."""
    from pipeline.cli.progress import progress
    from pipeline.evaluation.dedup import run

    with progress(None, "scoring articles", console=console) as bar:
        run(labelled, console, late_hours=late_hours, seed=seed, on_article=bar.update)


@eval_app.command("events-dedup")
def eval_events_dedup(
    labelled: Annotated[Path, typer.Argument(
        help="Articles (JSONL); with `story` labels, else the pipeline's stories are used")],
    seed: Annotated[int, typer.Option(help="Seed of the simulated arrival lags")] = 7,
    pairs: Annotated[Path | None, typer.Option(
        help="Mention pairs judged one happening or two (precision guard), e.g. "
             "tests/data/gold/event-pairs.jsonl")] = None,
) -> None:
    """One real event, one record? Canonical events per (story, source, target, root)
    reported by two or more outlets, through the worker's stages in publish order."""
    from pipeline.evaluation.event_identity import run

    run(labelled, console, seed=seed, pairs=pairs)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
