"""`wirestream eval dedup FILE`: score near-duplicate and story decisions on labelled articles.

The articles go through the worker's own stages (`IngestStage`, then `ArticleStage`, with the
worker's settings and extractor), as a producer would publish them: in publish-time order,
each arriving a random lag after its publication (default up to 10 minutes: feeds are polled;
`late_hours` makes some arrive up to that many hours late), so arrival order is publish order
with realistic local disorder; the simulated arrival time is the input's broker timestamp.
Near-duplicates are scored two ways, both against the gold `dup_group`s: *direct* pairs, as
consumers read them from the outcomes (an article and its `duplicate_of`, or the copy a
late original `supersedes`), and pairwise through duplicate_of trees (transitively). Stories
are scored with BCubed precision/recall/F1 (Bagga & Baldwin 1998).
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.evaluation.rows import Rows, read_rows
from pipeline.settings import WirestreamSettings
from pipeline.stages.articles import ArticleStage
from pipeline.stages.extractors import load_extractor
from pipeline.stages.ingest import IngestStage
from schemas.records import Article, ArticleOutcome, ValidArticle

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def load_labelled(path: Path) -> Rows[dict[str, Any]]:
    """Rows in processing order; a row without `published_at` takes its predecessor's time.
    Rows that are not an article (no id, empty body, bad date ...) are reported, not scored."""
    rows = read_rows(path, _checked)
    last = _EPOCH.isoformat()
    for row in rows.good:
        if row.get("published_at"):
            last = row["published_at"]
        else:
            row["published_at"] = last
    keyed = [(Article.model_validate(_article_fields(row)).published_at, i)
             for i, row in enumerate(rows.good)]
    rows.good = [rows.good[i] for _, i in sorted(keyed)]
    return rows


def _checked(row: dict[str, Any]) -> dict[str, Any]:
    Article.model_validate(_article_fields({"published_at": _EPOCH.isoformat(), **row}))
    return row


def _article_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(row["id"]), "source": row.get("source") or "unknown",
            "title": row.get("title") or "", "body": row["body"],
            "published_at": row.get("published_at") or _EPOCH.isoformat(),
            "language": row.get("language") or "en"}


def pair_count(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(predicted: Sequence[Hashable], gold: Sequence[Hashable | None]
                    ) -> dict[str, float]:
    """Pairwise precision/recall of clusterings; a `None` gold label is a singleton.

    With no predicted pairs precision is 1.0; with no gold pairs recall is 1.0.
    """
    gold_keys = [g if g is not None else ("__single__", i) for i, g in enumerate(gold)]
    both = sum(pair_count(n) for n in Counter(zip(predicted, gold_keys, strict=True)).values())
    pred_pairs = sum(pair_count(n) for n in Counter(predicted).values())
    gold_pairs = sum(pair_count(n) for n in Counter(gold_keys).values())
    return {"precision": both / pred_pairs if pred_pairs else 1.0,
            "recall": both / gold_pairs if gold_pairs else 1.0,
            "predicted_pairs": pred_pairs, "gold_pairs": gold_pairs}


def bcubed_scores(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> dict[str, float]:
    """BCubed precision, recall and F1, averaged over items."""
    n = len(predicted)
    if n == 0:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    joint = Counter(zip(predicted, gold, strict=True))
    pred_size, gold_size = Counter(predicted), Counter(gold)
    precision = sum(joint[(p, g)] / pred_size[p] for p, g in zip(predicted, gold, strict=True)) / n
    recall = sum(joint[(p, g)] / gold_size[g] for p, g in zip(predicted, gold, strict=True)) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def duplicate_roots(ids: Sequence[str], duplicate_of: dict[str, str]) -> list[str]:
    """Root of each id's duplicate_of chain: the cluster an id is predicted to belong to."""
    roots = []
    for article_id in ids:
        seen = {article_id}
        while article_id in duplicate_of and duplicate_of[article_id] not in seen:
            article_id = duplicate_of[article_id]
            seen.add(article_id)
        roots.append(article_id)
    return roots


def arrival_order(rows: Sequence[dict[str, Any]], *, seed: int = 7, lag_seconds: float = 600.0,
                  late_hours: float = 0.0, late_share: float = 0.2
                  ) -> list[tuple[float, dict[str, Any]]]:
    """(arrival time, row) in arrival order: each row arrives a random lag (0..lag) after its
    publication; with `late_hours`, a `late_share` of them up to that many hours late."""
    rng = random.Random(seed)  # noqa: S311 - simulated arrival lags, not secrets
    timed = []
    for i, row in enumerate(rows):
        published = Article.model_validate(_article_fields(row)).published_at.timestamp()
        lag = rng.uniform(0, lag_seconds)
        if late_hours and rng.random() < late_share:
            lag += rng.uniform(0, late_hours * 3600)
        timed.append((published + lag, i, row))
    return [(t, row) for t, _, row in sorted(timed, key=lambda x: (x[0], x[1]))]


Progress = Callable[[int, int], None]  # (articles done, articles in all), after each article


def evaluate(rows: Sequence[dict[str, Any]], settings: WirestreamSettings | None = None, *,
             on_article: Progress | None = None, **order: Any) -> dict[str, Any]:
    """Run rows (in publish order) through the worker's stages as they would arrive; score."""
    settings = settings or WirestreamSettings()
    ingest_stage = IngestStage.from_settings(load_extractor(settings.extractor), settings, _now)
    article_stage = ArticleStage.from_settings({}, settings, _now)
    arrived = arrival_order(rows, **order)
    outcomes: dict[str, ArticleOutcome] = {}
    started = time.perf_counter()
    rejected: set[int] = set()
    for n, (arrival, row) in enumerate(arrived):
        if on_article is not None and n:
            on_article(n, len(arrived))
        value = json.dumps(_article_fields(row)).encode()
        first = ingest_stage.process(value, f"eval:0:{n}", arrival).outputs[0].record
        if not isinstance(first, ValidArticle):  # e.g. over the size limit: a dead letter
            rejected.add(n)
            continue
        record = article_stage.process(first).outputs[-1].record
        assert isinstance(record, ArticleOutcome)  # noqa: S101 - the stage's last output
        outcomes[record.article_id] = record
    elapsed = time.perf_counter() - started
    if on_article is not None:
        on_article(len(arrived), len(arrived))
    ordered = [row for n, (_, row) in enumerate(arrived) if n not in rejected]
    return {"articles": len(rows), "rejected": len(rejected), **score_outcomes(ordered, outcomes),
            "articles_per_second": round(len(rows) / elapsed, 1) if elapsed else None}


def score_outcomes(ordered: Sequence[dict[str, Any]],
                   outcomes: dict[str, ArticleOutcome]) -> dict[str, Any]:
    """Near-duplicate and story scores of the outcomes consumers read, one per article of
    `ordered` (the labelled rows that were accepted): in-process or from a live worker's
    `articles.outcomes` (`bench/score_dedup_pipeline.py`)."""
    ids = [str(r["id"]) for r in ordered]
    gold_dup = [r.get("dup_group") for r in ordered]
    duplicate_of = {a: o.duplicate_of for a, o in outcomes.items() if o.duplicate_of}
    links = [(a, o.duplicate_of or o.supersedes) for a, o in outcomes.items()
             if o.duplicate_of or o.supersedes]
    direct = direct_pair_scores(links, dict(zip(ids, gold_dup, strict=True)))
    dup = pairwise_scores(duplicate_roots(ids, _follow_takeovers(duplicate_of, outcomes)),
                          gold_dup)
    stories = [outcomes[i].story_id for i in ids]
    gold_stories = [r.get("story") or f"__single__{r['id']}" for r in ordered]
    story = bcubed_scores(stories, gold_stories)
    return {
        "duplicates_predicted": len(duplicate_of),
        "takeovers": sum(1 for o in outcomes.values() if o.supersedes),
        "direct_pair_precision": round(direct["precision"], 4),
        "direct_pair_recall": round(direct["recall"], 4),
        "near_dup_precision": round(dup["precision"], 4),
        "near_dup_recall": round(dup["recall"], 4),
        "near_dup_gold_pairs": dup["gold_pairs"],
        "near_dup_predicted_pairs": dup["predicted_pairs"],
        "story_precision": round(story["precision"], 4), "story_recall": round(story["recall"], 4),
        "story_f1": round(story["f1"], 4), "stories_predicted": len(set(stories)),
        "stories_gold": len(set(gold_stories)),
    }


def direct_pair_scores(links: Sequence[tuple[str, str]], gold: dict[str, Hashable | None]
                       ) -> dict[str, float]:
    """Precision of the links consumers read (each joins two articles of one gold group) and
    recall against the links a group needs (a group of k articles needs k − 1)."""
    linked = Counter(gold[a] for a, b in links
                     if gold.get(a) is not None and gold.get(a) == gold.get(b))
    groups = Counter(g for g in gold.values() if g is not None)
    needed = sum(n - 1 for n in groups.values())
    found = sum(min(linked[g], n - 1) for g, n in groups.items())
    return {"precision": linked.total() / len(links) if links else 1.0,
            "recall": found / needed if needed else 1.0}


def _follow_takeovers(duplicate_of: dict[str, str],
                      outcomes: dict[str, ArticleOutcome]) -> dict[str, str]:
    """duplicate_of plus the superseded copies: a copy announced first belongs to the
    original that took over from it."""
    links = dict(duplicate_of)
    for article_id, o in outcomes.items():
        if o.supersedes:
            links.setdefault(o.supersedes, article_id)
    return links


def _now() -> datetime:
    return datetime.now(UTC)


def run(labelled: Path, console: Console, *, late_hours: float = 0.0, seed: int = 7,
        on_article: Progress | None = None) -> dict:
    """CLI entry: score `labelled`, print a table, then one JSON object as the last line."""
    rows = load_labelled(labelled)
    if rows.bad:
        console.print(f"[yellow]{rows.summary()}[/]")
    result = {**evaluate(rows.good, late_hours=late_hours, seed=seed, on_article=on_article),
              "bad_rows": len(rows.bad), "late_hours": late_hours}
    table = Table(title=f"dedup + stories on {labelled.name} ({result['articles']} articles)")
    table.add_column("task")
    table.add_column("precision", justify="right")
    table.add_column("recall", justify="right")
    table.add_column("F1", justify="right")
    table.add_column("detail")
    table.add_row("near-duplicates (direct pairs)", f"{result['direct_pair_precision']:.4f}",
                  f"{result['direct_pair_recall']:.4f}", "",
                  f"{result['duplicates_predicted']} duplicates, {result['takeovers']} "
                  f"takeovers")
    table.add_row("near-duplicates (pairwise)", f"{result['near_dup_precision']:.4f}",
                  f"{result['near_dup_recall']:.4f}", "",
                  f"{result['near_dup_predicted_pairs']} predicted / "
                  f"{result['near_dup_gold_pairs']} gold pairs")
    table.add_row("stories (BCubed)", f"{result['story_precision']:.4f}",
                  f"{result['story_recall']:.4f}", f"{result['story_f1']:.4f}",
                  f"{result['stories_predicted']} predicted / {result['stories_gold']} gold")
    console.print(table)
    console.out(json.dumps(result, sort_keys=True), highlight=False)
    return result
