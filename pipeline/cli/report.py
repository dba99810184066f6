"""Readable terminal tables for events and outcomes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.table import Table

from schemas.records import Actor, ArticleOutcome, EnrichedEvent


def _actor(actor: Actor | None) -> str:
    return actor.code if actor else "-"


def _label(event: EnrichedEvent) -> str:
    # CAMEO labels carry qualifiers like ", not specified below" that add nothing here.
    return event.label.split(",")[0]


def _when(event: EnrichedEvent) -> str:
    if event.date_start is None:
        return "-"
    if event.date_end and event.date_end != event.date_start:
        return f"{event.date_start}..{event.date_end}"
    return str(event.date_start)


def events_table(events: Iterable[EnrichedEvent]) -> Table:
    table = Table(title="events.enriched", show_lines=False)
    for column in ("source", "code", "event", "target", "status", "where", "when", "quad",
                   "goldstein", "mentions"):
        table.add_column(column, no_wrap=column != "event")
    for e in events:
        table.add_row(
            _actor(e.source), e.code, _label(e), _actor(e.target), e.status,
            e.location.name if e.location else "-", _when(e), str(e.quad_class),
            f"{e.goldstein:+.1f}", str(e.num_mentions),
        )
    return table


def outcomes_table(outcomes: Iterable[ArticleOutcome]) -> Table:
    table = Table(title="articles.outcomes")
    table.add_column("input")
    table.add_column("status")
    table.add_column("article")
    table.add_column("detail")
    counts: Counter[str] = Counter()
    for o in sorted(outcomes, key=lambda o: o.input_ref):
        counts[o.status] += 1
        detail = {
            "processed": f"{len(o.event_ids)} events" + (
                f"; published first: original of {o.supersedes}" if o.supersedes else ""),
            "duplicate": f"copy of {o.duplicate_of}",
            "rejected": o.reason or "",
        }[o.status]
        table.add_row(o.input_ref, o.status, o.article_id or "-", detail)
    table.caption = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return table
