"""`wirestream tail [events|mentions|outcomes|dlq]`: follow an output topic live, filtered.

On a terminal: a table redrawn in place, newest rows on top, the last `--rows` kept (an event
re-emitted with new counts replaces its row). Piped: one plain line per record, after a header
line; `--json`: the record itself, one JSON line each. Filtering is `matches` (pure).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, get_args

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.live import Live
from rich.table import Table

from pipeline import topics as T
from pipeline.cli.report import _actor
from pipeline.reference.cameo import describe
from schemas.records import (
    ArticleOutcome,
    DeadLetter,
    EnrichedEvent,
    EventMention,
    EventStatus,
    OutcomeStatus,
)


class Kind(StrEnum):
    events = "events"
    mentions = "mentions"
    outcomes = "outcomes"
    dlq = "dlq"


TOPIC_OF: dict[Kind, str] = {Kind.events: T.EVENTS_ENRICHED, Kind.mentions: T.EVENTS_MENTIONS,
                             Kind.outcomes: T.ARTICLES_OUTCOMES, Kind.dlq: T.ARTICLES_DLQ}


# -- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a record must have to be shown; None = any. Normalise with `Filters.of`."""

    country: str | None = None  # ISO3 of the source or target actor
    root: str | None = None  # two-digit CAMEO root
    quad: int | None = None
    min_goldstein: float | None = None
    status: str | None = None  # event / mention status, or outcome status

    @classmethod
    def of(cls, *, country: str | None = None, root: str | int | None = None,
           quad: int | None = None, min_goldstein: float | None = None,
           status: str | None = None) -> Filters:
        """Filters from user input: "isr" -> "ISR", 4 / "4" -> "04"; ValueError if malformed."""
        if country is not None and not (len(country) == 3 and country.isalpha()):
            raise ValueError(f"--country wants an ISO 3166-1 alpha-3 code, not {country!r}")
        if root is not None:
            root = str(root).strip().zfill(2)
            if not (root.isdigit() and len(root) == 2 and 1 <= int(root) <= 20):
                raise ValueError(f"--root wants a CAMEO root 01..20, not {root!r}")
        if quad is not None and not 1 <= quad <= 4:
            raise ValueError(f"--quad wants 1..4, not {quad}")
        return cls(country.upper() if country else None, root, quad, min_goldstein,
                   status.lower() if status else None)

    def given(self) -> set[str]:
        return {name for name, value in vars(self).items() if value is not None}


# Which filters each kind of record can answer; others are refused on the command line.
APPLICABLE: dict[Kind, set[str]] = {
    Kind.events: {"country", "root", "quad", "min_goldstein", "status"},
    Kind.mentions: {"root", "quad", "min_goldstein", "status"},
    Kind.outcomes: {"status"},
    Kind.dlq: set(),
}
STATUSES: dict[Kind, tuple[str, ...]] = {Kind.events: get_args(EventStatus),
                                         Kind.mentions: get_args(EventStatus),
                                         Kind.outcomes: get_args(OutcomeStatus)}


def _facts(record: BaseModel) -> dict[str, object]:
    """The filterable facts of a record (absent: the record cannot match that filter)."""
    if isinstance(record, EnrichedEvent):
        countries = {a.country for a in (record.source, record.target) if a and a.country}
        return {"country": countries, "root": record.root, "quad": record.quad_class,
                "min_goldstein": record.goldstein, "status": record.status}
    if isinstance(record, EventMention):
        cameo = describe(record.code)
        return {"root": cameo.root, "quad": cameo.quad_class, "min_goldstein": cameo.goldstein,
                "status": record.status}
    if isinstance(record, ArticleOutcome):
        return {"status": record.status}
    return {}


def matches(record: BaseModel, filters: Filters) -> bool:
    """Whether `record` passes every given filter (a filter it has no field for fails it)."""
    facts = _facts(record)
    for name in filters.given():
        if name not in facts:
            return False
        wanted, found = getattr(filters, name), facts[name]
        if name == "country":
            ok = wanted in found  # type: ignore[operator]
        elif name == "min_goldstein":
            ok = found >= wanted  # type: ignore[operator]
        else:
            ok = found == wanted
        if not ok:
            return False
    return True


# -- rows ----------------------------------------------------------------------------------------

# Column names and widths of the plain-line output (the live table sizes itself).
COLUMNS: dict[Kind, tuple[tuple[str, int], ...]] = {
    Kind.events: (("last seen", 19), ("event", 10), ("source → target", 22), ("code", 28),
                  ("quad", 4), ("gold", 5), ("status", 11), ("where", 16), ("ment/src", 8)),
    Kind.mentions: (("published", 19), ("mention", 10), ("event", 10), ("article", 16),
                    ("outlet", 14), ("code", 28), ("status", 11), ("conf", 4)),
    Kind.outcomes: (("decided", 19), ("input", 28), ("status", 9), ("article", 16),
                    ("#ev", 3), ("duplicate of", 16), ("reason", 24)),
    Kind.dlq: (("failed", 19), ("source ref", 28), ("stage", 12), ("error", 20),
               ("reason", 40)),
}


def _time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _short(value: str, n: int = 10) -> str:
    return value if len(value) <= n else value[:n]


def _code(code: str, root_label: str) -> str:
    return f"{code} {root_label.split(',')[0]}"


def row(record: BaseModel) -> tuple[str, ...]:
    """The cells of one record, in `COLUMNS` order of its kind."""
    if isinstance(record, EnrichedEvent):
        return (_time(record.last_seen), _short(record.event_id),
                f"{_actor(record.source)} → {_actor(record.target)}",
                _code(record.code, record.root_label), str(record.quad_class),
                f"{record.goldstein:+.1f}", record.status,
                record.location.name if record.location else "-",
                f"{record.num_mentions}/{record.num_sources}")
    if isinstance(record, EventMention):
        return (_time(record.published_at), _short(record.mention_id),
                _short(record.event_id), record.article_id, record.source,
                _code(record.code, describe(record.code).root_label), record.status,
                f"{record.confidence:.2f}")
    if isinstance(record, ArticleOutcome):
        return (_time(record.decided_at), record.input_ref, record.status,
                record.article_id or "-", str(len(record.event_ids)),
                record.duplicate_of or "-", record.reason or "-")
    if isinstance(record, DeadLetter):
        return (_time(record.failed_at),
                f"{record.source_topic}:{record.partition}:{record.offset}", record.stage,
                record.error_type, " ".join(record.message.split()))
    raise TypeError(f"no rows for {type(record).__name__}")


def key(record: BaseModel) -> str:
    """What identifies the record on its topic (a re-emitted event replaces its row)."""
    if isinstance(record, EnrichedEvent):
        return record.event_id
    if isinstance(record, EventMention):
        return record.mention_id
    if isinstance(record, ArticleOutcome):
        return record.input_ref
    if isinstance(record, DeadLetter):
        return f"{record.source_topic}:{record.partition}:{record.offset}"
    return repr(record)


def plain_line(cells: Iterable[str], kind: Kind) -> str:
    """Cells padded to the kind's column widths (cut with "…"); the last column is not cut."""
    spec = COLUMNS[kind]
    out = []
    for i, (cell, (_, width)) in enumerate(zip(cells, spec, strict=True)):
        if i == len(spec) - 1:
            out.append(cell)
        else:
            out.append((cell if len(cell) <= width else cell[: width - 1] + "…").ljust(width))
    return "  ".join(out).rstrip()


def header_line(kind: Kind) -> str:
    return plain_line((name for name, _ in COLUMNS[kind]), kind)


def live_table(kind: Kind, rows: Iterable[tuple[str, ...]], title: str) -> Table:
    table = Table(title=title, caption="newest first; Ctrl-C stops")
    for name, _ in COLUMNS[kind]:
        table.add_column(name, no_wrap=name not in {"code", "reason", "where"})
    for cells in rows:
        table.add_row(*cells)
    return table


# -- output --------------------------------------------------------------------------------------


class LiveRows:
    """The last `size` rows by record key, newest first, redrawn in a rich `Live`."""

    def __init__(self, kind: Kind, size: int, title: str, live: Live) -> None:
        self.kind, self.size, self.title, self.live = kind, size, title, live
        self.rows: OrderedDict[str, tuple[str, ...]] = OrderedDict()

    def show(self, record: BaseModel) -> None:
        k = key(record)
        self.rows.pop(k, None)
        self.rows[k] = row(record)
        while len(self.rows) > self.size:
            self.rows.popitem(last=False)
        self.live.update(live_table(self.kind, reversed(self.rows.values()), self.title))


def follow(records: Iterable[BaseModel], filters: Filters, show: Callable[[BaseModel], None],
           limit: int | None = None) -> int:
    """Show each matching record until `limit` are shown or `records` ends; the count."""
    shown = 0
    for record in records:
        if matches(record, filters):
            show(record)
            shown += 1
            if limit is not None and shown >= limit:
                break
    return shown


def tail(
    kind: Annotated[Kind, typer.Argument(help="Which topic: events (events.enriched), "
                                         "mentions, outcomes or dlq")] = Kind.events,
    country: Annotated[str | None, typer.Option(
        help="Events whose source or target actor is of this country (ISO3)")] = None,
    root: Annotated[str | None, typer.Option(help="CAMEO root, e.g. 14 (protest)")] = None,
    quad: Annotated[int | None, typer.Option(
        min=1, max=4, help="Quad class: 1 verbal coop .. 4 material conflict")] = None,
    min_goldstein: Annotated[float | None, typer.Option(
        "--min-goldstein", help="Goldstein score at least this, e.g. -5.0")] = None,
    status: Annotated[str | None, typer.Option(
        help="Event status (actual, planned, ...) or, for outcomes, outcome status")] = None,
    json_lines: Annotated[bool, typer.Option(
        "--json", help="One JSON record per line instead of the table")] = False,
    from_beginning: Annotated[bool, typer.Option(
        "--from-beginning", help="Start at the topic's first record, not its end")] = False,
    timeout: Annotated[float | None, typer.Option(
        min=0.0, help="Stop after this many seconds without a record (default: follow "
        "until Ctrl-C)")] = None,
    limit: Annotated[int | None, typer.Option(
        min=1, help="Stop after this many records shown")] = None,
    rows: Annotated[int, typer.Option(min=1, help="Rows the live table keeps")] = 30,
) -> None:
    """Follow events, mentions, outcomes or dead letters live, filtered."""
    from pipeline.adapters.subscribe import subscribe
    from pipeline.cli.main import connected_settings

    filters = _filters(kind, country=country, root=root, quad=quad,
                       min_goldstein=min_goldstein, status=status)
    settings = connected_settings()
    topic = TOPIC_OF[kind]
    subscription = subscribe(topic, settings=settings, from_beginning=from_beginning,
                             timeout=timeout)
    console = Console()
    try:
        if json_lines:
            follow(subscription, filters, lambda r: typer.echo(r.model_dump_json()), limit)
        elif console.is_terminal:
            title = T.TopicNames(settings.topic_prefix)[topic]
            with Live(live_table(kind, [], title), console=console,
                      refresh_per_second=4) as live:
                follow(subscription, filters, LiveRows(kind, rows, title, live).show, limit)
        else:
            typer.echo(header_line(kind))
            follow(subscription, filters, lambda r: typer.echo(plain_line(row(r), kind)), limit)
    except KeyboardInterrupt:
        pass
    finally:
        subscription.close()
    if subscription.skipped:
        typer.echo(f"{subscription.skipped} records skipped: not a valid "
                   f"{subscription.model.__name__}", err=True)


def _filters(kind: Kind, **given: object) -> Filters:
    """Checked filters: well-formed and applicable to `kind` (BadParameter otherwise)."""
    unusable = {name for name, value in given.items() if value is not None} - APPLICABLE[kind]
    if unusable:
        names = ", ".join("--" + n.replace("_", "-") for n in sorted(unusable))
        raise typer.BadParameter(f"{names} cannot filter {kind.value}")
    status = given.get("status")
    if status is not None and str(status).lower() not in STATUSES[kind]:
        raise typer.BadParameter(f"{kind.value} status is one of {', '.join(STATUSES[kind])}",
                                 param_hint="--status")
    try:
        return Filters.of(**given)  # type: ignore[arg-type]
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
