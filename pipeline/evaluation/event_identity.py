"""`wirestream eval events-dedup FILE`: does one real event become one record across outlets?

The articles go through the worker's own stages (`IngestStage`, `ArticleStage`) in publish
order with arrival lags, as `wirestream eval dedup` runs them, and the event candidates the
article stage emits are grouped by (story, source actor, target actor, CAMEO root): the gold
`story` of the row when the file has one, else the story the pipeline assigned. A group that
two or more outlets report is one real event told several times (GDELT's duplication);
the score is how many canonical events the pipeline made of it (1 is the goal) and which
part of the canonical id split it (status, else day). The counter-check is
over-merging: canonical events whose mentions were published more than `span_days` apart,
or whose stated dates differ, most likely hold two happenings.

With `--pairs GOLD` the precision guard: pairs of mentions (article, sentence offset, source,
target, root) judged by hand as one happening or two (`tests/data/gold/event-pairs.jsonl`,
drawn from what the pipeline merged and split on world news); reported are the distinct
pairs kept apart (merge precision) and the same-happening pairs merged, over the pairs whose
two mentions the pipeline still produces.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.evaluation.dedup import _article_fields, _now, arrival_order, load_labelled
from pipeline.evaluation.rows import Rows, read_rows
from pipeline.settings import WirestreamSettings
from pipeline.stages.articles import ArticleStage
from pipeline.stages.extractors import load_extractor
from pipeline.stages.ingest import IngestStage
from schemas.records import EventCandidate, EventCandidates, ValidArticle


def candidates_in_arrival_order(rows: Sequence[dict[str, Any]],
                                settings: WirestreamSettings | None = None,
                                **order: Any) -> list[tuple[dict[str, Any], EventCandidate]]:
    """(row, candidate) for every event candidate the worker's stages emit."""
    settings = settings or WirestreamSettings()
    ingest_stage = IngestStage.from_settings(load_extractor(settings.extractor), settings, _now)
    article_stage = ArticleStage.from_settings({}, settings, _now)
    found = []
    for n, (arrival, row) in enumerate(arrival_order(rows, **order)):
        value = json.dumps(_article_fields(row)).encode()
        first = ingest_stage.process(value, f"eval:0:{n}", arrival).outputs[0].record
        if not isinstance(first, ValidArticle):
            continue
        for output in article_stage.process(first).outputs:
            if isinstance(output.record, EventCandidates):
                found.extend((row, candidate) for candidate in output.record.candidates())
    return found


def _actor(candidate: EventCandidate, side: str) -> str:
    actor = getattr(candidate.event, side)
    return actor.code if actor is not None else ""


def _split_by(mentions: list[EventCandidate]) -> list[str]:
    """Which part of the canonical id differs between the events of one group: the status
    ("will meet" beside "met", a denial beside the happening), else the day."""
    return ["status"] if len({m.event.status for m in mentions}) > 1 else ["day"]


def score(pairs: Sequence[tuple[dict[str, Any], EventCandidate]], *, span_days: int = 3
          ) -> dict[str, Any]:
    groups: dict[tuple[str, ...], list[tuple[str, EventCandidate]]] = defaultdict(list)
    by_event: dict[str, list[EventCandidate]] = defaultdict(list)
    for row, candidate in pairs:
        story = str(row.get("story") or candidate.story_id or candidate.article.id)
        key = (story, _actor(candidate, "source"), _actor(candidate, "target"),
               candidate.event.root)
        groups[key].append((str(row.get("outlet") or row.get("source") or ""), candidate))
        by_event[candidate.event_id].append(candidate)
    multi = [g for g in groups.values() if len({outlet for outlet, _ in g}) >= 2]
    events_per_group = [len({c.event_id for _, c in g}) for g in multi]
    splits: dict[str, int] = defaultdict(int)
    for group in multi:
        if len({c.event_id for _, c in group}) > 1:
            for part in _split_by([c for _, c in group]):
                splits[part] += 1
    wide = 0
    for mentions in by_event.values():
        days = [m.published_at.date() for m in mentions]
        stated = {m.event.date_start for m in mentions if m.event.date_start}
        if (max(days) - min(days)).days > span_days or _far_apart(stated):
            wide += 1
    return {
        "candidates": len(pairs), "canonical_events": len(by_event),
        "multi_outlet_groups": len(multi),
        "events_per_group_mean": round(statistics.fmean(events_per_group), 3)
        if events_per_group else None,
        "groups_one_record": round(sum(1 for n in events_per_group if n == 1) / len(multi), 3)
        if multi else None,
        "split_by_status": splits["status"], "split_by_day": splits["day"],
        "events_spanning_more_than_span_days": wide, "span_days": span_days,
    }


def load_pairs(path: Path) -> Rows[dict[str, Any]]:
    """The judged mention pairs of a pairs file; a row missing a field is reported."""
    return read_rows(path, _checked_pair)


def _checked_pair(raw: dict[str, Any]) -> dict[str, Any]:
    for key in ("source", "target", "root", "same"):
        raw[key]  # noqa: B018 - a KeyError names the missing field
    for side in ("a", "b"):
        raw[side]["article"], raw[side]["sentence_start"]  # noqa: B018
    return raw


def pair_scores(gold: Sequence[dict[str, Any]],
                pairs: Sequence[tuple[dict[str, Any], EventCandidate]]) -> dict[str, Any]:
    """Judged pairs (see the module docstring) against the canonical ids the stages gave."""
    ids: dict[tuple[str, int, str, str, str], set[str]] = defaultdict(set)
    for _, candidate in pairs:
        ids[(candidate.article.id, candidate.event.evidence.start, _actor(candidate, "source"),
             _actor(candidate, "target"), candidate.event.root)].add(candidate.event_id)
    counts = {True: [0, 0], False: [0, 0]}  # same -> [found, merged]
    missing = 0
    for judged in gold:
        keys = [(judged[side]["article"], judged[side]["sentence_start"], judged["source"],
                 judged["target"], judged["root"]) for side in ("a", "b")]
        first, second = ids.get(keys[0]), ids.get(keys[1])
        if not first or not second:
            missing += 1
            continue
        found = counts[bool(judged["same"])]
        found[0] += 1
        found[1] += bool(first & second)
    distinct, same = counts[False], counts[True]
    return {
        "pairs": len(gold), "pairs_not_produced": missing,
        "distinct_pairs": distinct[0],
        "distinct_kept_apart": round(1 - distinct[1] / distinct[0], 3) if distinct[0] else None,
        "same_pairs": same[0],
        "same_merged": round(same[1] / same[0], 3) if same[0] else None,
    }


def _far_apart(stated: set[date]) -> bool:
    return bool(stated) and (max(stated) - min(stated)).days > 1


def run(labelled: Path, console: Console, *, seed: int = 7,
        pairs: Path | None = None) -> dict[str, Any]:
    """CLI entry: score `labelled`, print a table, then one JSON object as the last line."""
    rows = load_labelled(labelled)
    if rows.bad:
        console.print(f"[yellow]{rows.summary()}[/]")
    found = candidates_in_arrival_order(rows.good, seed=seed)
    result = {**score(found), "articles": len(rows.good), "bad_rows": len(rows.bad)}
    if pairs is not None:
        judged = load_pairs(pairs)
        if judged.bad:
            console.print(f"[yellow]{pairs.name}: {judged.summary()}[/]")
        result.update(pair_scores(judged.good, found), pairs_bad_rows=len(judged.bad))
    table = Table(title=f"one real event, one record: {labelled.name} "
                        f"({result['articles']} articles)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name in ("multi_outlet_groups", "events_per_group_mean", "groups_one_record",
                 "split_by_status", "split_by_day",
                 "events_spanning_more_than_span_days", "canonical_events", "candidates",
                 "distinct_kept_apart", "distinct_pairs", "same_merged", "same_pairs",
                 "pairs_not_produced"):
        if name in result:
            table.add_row(name.replace("_", " "), str(result[name]))
    console.print(table)
    console.out(json.dumps(result, sort_keys=True), highlight=False)
    return result
