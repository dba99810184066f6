"""`wirestream tail`: filters, rows, and the progress helper off a terminal (no broker)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import typer
from rich.console import Console

from pipeline import topics as T
from pipeline.adapters.subscribe import TOPIC_MODELS
from pipeline.cli import tail
from pipeline.cli.progress import LineTracker, progress
from pipeline.cli.schema_docs import CHANNELS
from pipeline.cli.tail import COLUMNS, Filters, Kind, follow, header_line, matches, plain_line, row
from schemas.records import (
    Actor,
    ArticleOutcome,
    ArticleRef,
    DeadLetter,
    EnrichedEvent,
    EventMention,
    Evidence,
    Location,
)

T0 = datetime(2025, 2, 4, 10, 30, tzinfo=UTC)
EVIDENCE = Evidence(sentence="Israel struck targets in Gaza.", start=0, end=30)


def event(code: str = "190", *, source: str | None = "ISR", target: str | None = "PSE",
          quad: int = 4, goldstein: float = -10.0, status: str = "actual",
          event_id: str = "ev-0123456789abcdef") -> EnrichedEvent:
    def actor(country: str | None) -> Actor | None:
        return Actor(text=country, code=f"{country}MIL", country=country) if country else None

    return EnrichedEvent(
        event_id=event_id, source=actor(source), target=actor(target), code=code,
        root=code[:2], label="Use conventional military force, not specified below",
        root_label="Fight", quad_class=quad, goldstein=goldstein, plover="ASSAULT",
        status=status, location=Location(name="Gaza City", country="PSE"), revision=1,
        num_mentions=3, num_articles=2, num_sources=2, first_seen=T0, last_seen=T0,
        articles=[ArticleRef(id="a1", source="wire")], evidence=EVIDENCE, confidence=0.8)


def outcome(status: str = "processed", **fields) -> ArticleOutcome:
    return ArticleOutcome(**{"input_ref": "t.articles.raw:0:7", "status": status,
                             "article_id": "a1", "decided_at": T0, **fields})


MENTION = EventMention(mention_id="m-0123456789abcdef", event_id="ev-0123456789abcdef",
                       article_id="a1", source="wire", published_at=T0, code="145",
                       status="actual", evidence=EVIDENCE, confidence=0.75)
LETTER = DeadLetter(stage="validate", error_type="invalid_json", message="Expecting value:\n"
                    "line 1", original=b"{nope", source_topic="t.articles.raw", partition=2,
                    offset=41, failed_at=T0)


# -- filters -----------------------------------------------------------------------------------


def test_no_filter_matches_everything():
    for record in (event(), outcome(), MENTION, LETTER):
        assert matches(record, Filters())


def test_country_is_the_source_or_the_target_actors():
    assert matches(event(), Filters.of(country="isr"))
    assert matches(event(), Filters.of(country="PSE"))
    assert not matches(event(), Filters.of(country="USA"))
    assert matches(event(source=None, target="USA"), Filters.of(country="USA"))
    assert not matches(event(source=None, target=None), Filters.of(country="USA"))


def test_root_quad_goldstein_and_status_of_events():
    e = event("190", quad=4, goldstein=-10.0, status="actual")
    assert matches(e, Filters.of(root="19")) and matches(e, Filters.of(root=19))
    assert not matches(e, Filters.of(root="14"))
    assert matches(event("042", quad=1, goldstein=1.9), Filters.of(root="4"))
    assert matches(e, Filters.of(quad=4)) and not matches(e, Filters.of(quad=1))
    assert matches(e, Filters.of(min_goldstein=-10.0))
    assert not matches(e, Filters.of(min_goldstein=-5.0))
    assert matches(e, Filters.of(status="Actual"))
    assert not matches(e, Filters.of(status="planned"))


def test_filters_combine_with_and():
    e = event("190", quad=4)
    assert matches(e, Filters.of(country="ISR", root="19", quad=4, status="actual"))
    assert not matches(e, Filters.of(country="ISR", root="19", quad=3))


def test_mentions_filter_by_their_code_and_outcomes_by_status():
    assert matches(MENTION, Filters.of(root="14", quad=4))  # 145: protest violently
    assert not matches(MENTION, Filters.of(root="19"))
    assert not matches(MENTION, Filters.of(country="ISR"))  # a mention names no actors
    assert matches(outcome("duplicate"), Filters.of(status="duplicate"))
    assert not matches(outcome("processed"), Filters.of(status="rejected"))
    assert not matches(outcome(), Filters.of(root="19"))
    assert not matches(LETTER, Filters.of(status="rejected"))


@pytest.mark.parametrize("given", [{"country": "IL"}, {"country": "12A"}, {"root": "21"},
                                   {"root": "x"}, {"quad": 5}])
def test_malformed_filters_are_refused(given):
    with pytest.raises(ValueError):
        Filters.of(**given)


def test_the_command_refuses_filters_a_kind_cannot_answer():
    with pytest.raises(typer.BadParameter, match="--root cannot filter outcomes"):
        tail._filters(Kind.outcomes, root="14", status=None)
    with pytest.raises(typer.BadParameter, match="status"):
        tail._filters(Kind.outcomes, status="actual")
    assert tail._filters(Kind.outcomes, status="rejected") == Filters(status="rejected")
    assert tail._filters(Kind.events, root="4", country="usa") == Filters("USA", "04")


def test_follow_shows_matching_records_up_to_the_limit():
    records = [event(quad=4), event(quad=1), event(quad=4), event(quad=4)]
    shown: list = []
    assert follow(iter(records), Filters(quad=4), shown.append, limit=2) == 2
    assert shown == [records[0], records[2]]


# -- rows --------------------------------------------------------------------------------------


def test_topic_models_agree_with_the_documented_channels():
    assert {topic: model for topic, (model, _, _) in CHANNELS.items()} == TOPIC_MODELS
    assert set(tail.TOPIC_OF.values()) <= set(TOPIC_MODELS)
    assert tail.TOPIC_OF[Kind.events] == T.EVENTS_ENRICHED


def test_event_row():
    cells = row(event())
    assert cells == ("2025-02-04 10:30:00", "ev-0123456", "ISRMIL → PSEMIL", "190 Fight", "4",
                     "-10.0", "actual", "Gaza City", "3/2")
    assert row(event(source=None))[2] == "- → PSEMIL"


def test_mention_outcome_and_dead_letter_rows():
    assert row(MENTION) == ("2025-02-04 10:30:00", "m-01234567", "ev-0123456", "a1", "wire",
                            "145 Protest", "actual", "0.75")
    assert row(outcome(event_ids=["e1", "e2"])) == (
        "2025-02-04 10:30:00", "t.articles.raw:0:7", "processed", "a1", "2", "-", "-")
    assert row(outcome("duplicate", duplicate_of="a0"))[5] == "a0"
    assert row(outcome("rejected", reason="too_large"))[6] == "too_large"
    assert row(LETTER) == ("2025-02-04 10:30:00", "t.articles.raw:2:41", "validate",
                           "invalid_json", "Expecting value: line 1")


@pytest.mark.parametrize("kind,record", [(Kind.events, event()), (Kind.mentions, MENTION),
                                         (Kind.outcomes, outcome()), (Kind.dlq, LETTER)])
def test_every_kind_has_one_column_per_cell(kind, record):
    assert len(row(record)) == len(COLUMNS[kind])
    line = plain_line(row(record), kind)
    assert "\n" not in line
    header = header_line(kind)
    # columns line up: each cell starts where its header does
    starts = [header.index(name) for name, _ in COLUMNS[kind]]
    assert starts == sorted(starts)
    for cell, at in zip(row(record), starts, strict=True):
        assert line[at:].startswith(cell[:5])


def test_plain_lines_cut_long_cells_but_not_the_last():
    long = outcome("rejected", reason="r" * 60, article_id="x" * 40)
    line = plain_line(row(long), Kind.outcomes)
    assert "x" * 15 + "…" in line and "x" * 16 not in line
    assert line.endswith("r" * 60)


def test_live_rows_keep_the_newest_per_key_on_top():
    class FakeLive:
        def update(self, table):
            self.table = table

    live = FakeLive()
    rows = tail.LiveRows(Kind.events, 2, "events", live)  # type: ignore[arg-type]
    rows.show(event(event_id="a"))
    rows.show(event(event_id="b"))
    rows.show(event(event_id="a", goldstein=-9.0))  # re-emitted: replaces its row
    assert [cells[1] for cells in reversed(rows.rows.values())] == ["a", "b"]
    rows.show(event(event_id="c"))
    assert [cells[1] for cells in reversed(rows.rows.values())] == ["c", "a"]
    assert live.table.row_count == 2


# -- progress ----------------------------------------------------------------------------------


def plain_console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=120), out


def test_progress_off_a_terminal_prints_a_line_per_tenth():
    console, out = plain_console()
    with progress(20, "publishing", console=console) as bar:
        assert isinstance(bar, LineTracker)
        for _ in range(20):
            bar.advance()
    lines = out.getvalue().splitlines()
    assert lines[0] == "publishing: 2/20 (10%)"
    assert lines[-1] == "publishing: 20/20 (100%)"
    assert len(lines) == 10


def test_progress_in_jumps_and_with_a_total_learnt_late():
    console, out = plain_console()
    with progress(None, "scoring", console=console) as bar:
        bar.update(1, 3)
        bar.update(3, 3)
    assert out.getvalue().splitlines() == ["scoring: 1/3 (33%)", "scoring: 3/3 (100%)"]
    console, out = plain_console()
    with progress(5, "publishing", console=console) as bar:
        bar.advance(5)
    assert out.getvalue() == "publishing: 5/5 (100%)\n"


def test_progress_without_a_total_prints_every_n_and_the_end():
    console, out = plain_console()
    with progress(None, "reading", console=console, every=10) as bar:
        bar.advance(25)
        bar.advance(2)
    assert out.getvalue().splitlines() == ["reading: 25", "reading: 27"]


def test_progress_of_nothing_prints_nothing():
    console, out = plain_console()
    with progress(0, "publishing", console=console):
        pass
    assert out.getvalue() == ""
