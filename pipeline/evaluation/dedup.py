"""`wirestream eval dedup FILE`: score near-duplicate and story decisions on labelled articles.

The articles go through the very `ArticleIndex` the pipeline uses, in publish-time order
(ties and missing times keep file order), with expiry after each decision as in the worker.
Near-duplicates are scored pairwise: two articles are predicted related when they fall in
the same duplicate_of tree (transitively), and gold-related when they share a non-null
`dup_group`. Stories are scored with BCubed precision/recall/F1 (Bagga & Baldwin 1998).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.evaluation.rows import Rows, read_rows
from pipeline.steps.article_dedup.article_index import ArticleIndex
from schemas.records import Article

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


def evaluate(rows: Sequence[dict[str, Any]], **index_options: Any) -> dict[str, Any]:
    """Run the dedup + story steps over rows (already in processing order) and score them."""
    index = ArticleIndex({}, **index_options)
    ids, stories, duplicate_of = [], [], {}
    started = time.perf_counter()
    for row in rows:
        article = Article.model_validate(_article_fields(row))
        decision = index.decide(article)
        index.expire(index.clock)
        ids.append(article.id)
        stories.append(decision.story_id)
        if decision.duplicate_of is not None:
            duplicate_of[article.id] = decision.duplicate_of
    elapsed = time.perf_counter() - started
    dup = pairwise_scores(duplicate_roots(ids, duplicate_of), [r.get("dup_group") for r in rows])
    gold_stories = [r.get("story") or f"__single__{r['id']}" for r in rows]
    story = bcubed_scores(stories, gold_stories)
    return {
        "articles": len(rows), "duplicates_predicted": len(duplicate_of),
        "near_dup_precision": round(dup["precision"], 4),
        "near_dup_recall": round(dup["recall"], 4),
        "near_dup_gold_pairs": dup["gold_pairs"],
        "near_dup_predicted_pairs": dup["predicted_pairs"],
        "story_precision": round(story["precision"], 4), "story_recall": round(story["recall"], 4),
        "story_f1": round(story["f1"], 4), "stories_predicted": len(set(stories)),
        "stories_gold": len(set(gold_stories)),
        "articles_per_second": round(len(rows) / elapsed, 1) if elapsed else None,
    }


def run(labelled: Path, console: Console) -> dict:
    """CLI entry: score `labelled`, print a table, then one JSON object as the last line."""
    rows = load_labelled(labelled)
    if rows.bad:
        console.print(f"[yellow]{rows.summary()}[/]")
    result = {**evaluate(rows.good), "bad_rows": len(rows.bad)}
    table = Table(title=f"dedup + stories on {labelled.name} ({result['articles']} articles)")
    table.add_column("task")
    table.add_column("precision", justify="right")
    table.add_column("recall", justify="right")
    table.add_column("F1", justify="right")
    table.add_column("detail")
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
