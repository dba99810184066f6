"""Memory the stateful stages hold: per indexed article, per canonical event.

    python bench/bench_state_memory.py CORPUS.jsonl [CORPUS.jsonl ...] [--limit N] [--events]

Sketches every article, encodes each sketch as the ingest stage sends it and decodes it as
the article stage reads it (so the index holds freshly decoded strings, as in the worker),
then runs `ArticleIndex.decide` over all of them with a plain dict as the store and no
expiry. Reports, per indexed article: the Python heap retained (tracemalloc) and the
process's RSS growth (VmRSS), plus the rebuild time from the store (what a
restarted worker does after table recovery).

With `--events`, also the event stage: the event candidates the worker's ingest and article
stages emit for the first corpus (publish order, arrival lags as `wirestream eval
events-dedup` draws them; the configured extractor), folded by `EventStage` into a dict
store; the Python heap it retains per canonical event and per article, and its rebuild time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_extract import load  # noqa: E402
from pipeline.evaluation.event_identity import candidates_in_arrival_order  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402
from pipeline.stages.events import EventStage  # noqa: E402
from pipeline.steps.article_dedup.article_index import ArticleIndex, sketch  # noqa: E402
from schemas.records import ArticleSketch  # noqa: E402
from tests.support.workers import rss_mib  # noqa: E402


def _fill(articles: list, wire: list[str]) -> tuple[ArticleIndex, float]:
    """An index over every article (store: a dict, no expiry) and the seconds it took."""
    index = ArticleIndex({}, window_seconds=1e12)
    t0 = time.perf_counter()
    for article, encoded in zip(articles, wire, strict=True):
        index.decide(article, ArticleSketch.model_validate_json(encoded))
    return index, time.perf_counter() - t0


def _no_expiry(store: dict, settings: WirestreamSettings) -> EventStage:
    """The worker's event stage but for expiry: every event the corpus makes is kept."""
    return EventStage(store, window_seconds=1e12,
                      update_interval_seconds=settings.event_update_interval_seconds,
                      max_article_refs=settings.event_max_article_refs)


def event_state(corpus: Path, limit: int | None) -> dict:
    """Heap the event stage's store retains per canonical event (see the module doc)."""
    with corpus.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()][:limit]
    candidates = [c for _, c in candidates_in_arrival_order(rows)]
    settings = WirestreamSettings()
    gc.collect()
    tracemalloc.start(1)
    heap0 = tracemalloc.get_traced_memory()[0]
    store: dict = {}
    stage = _no_expiry(store, settings)
    for candidate in candidates:
        stage.process(candidate, 0)
    gc.collect()
    heap = tracemalloc.get_traced_memory()[0] - heap0
    tracemalloc.stop()
    t0 = time.perf_counter()
    _no_expiry(store, settings).rebuild()
    return {"event_articles": len(rows), "candidates": len(candidates), "events": len(store),
            "event_heap_kb_per_event": round(heap / len(store) / 1024, 2),
            "event_heap_kb_per_article": round(heap / len(rows) / 1024, 2),
            "event_rebuild_s": round(time.perf_counter() - t0, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="articles per corpus")
    parser.add_argument("--events", action="store_true", help="also the event stage's state")
    args = parser.parse_args()
    articles = [a for path in args.corpora for a in load(path, args.limit)]
    wire = [sketch(a).model_dump_json() for a in articles]
    # Pass 1, untraced: RSS growth and the decision rate; then a rebuild from the store.
    gc.collect()
    rss0 = rss_mib(os.getpid()) or 0.0
    index, decide_s = _fill(articles, wire)
    gc.collect()
    rss = ((rss_mib(os.getpid()) or 0.0) - rss0) * 1024 * 1024
    t0 = time.perf_counter()
    index.rebuild()
    rebuild_s = time.perf_counter() - t0
    del index
    gc.collect()
    # Pass 2, traced: the Python heap the index retains (tracemalloc slows it down).
    tracemalloc.start(1)
    heap0 = tracemalloc.get_traced_memory()[0]
    index, _ = _fill(articles, wire)
    gc.collect()
    heap = tracemalloc.get_traced_memory()[0] - heap0
    tracemalloc.stop()
    n = len(index)
    events = event_state(args.corpora[0], args.limit) if args.events else {}
    print(json.dumps({
        "articles": len(articles), "indexed": n, "stories": index.story_count,
        "heap_kb_per_indexed": round(heap / n / 1024, 2),
        "rss_growth_kb_per_indexed": round(rss / n / 1024, 2),
        "decide_per_s": round(len(articles) / decide_s),
        "rebuild_s": round(rebuild_s, 2), **events,
    }))


if __name__ == "__main__":
    main()
