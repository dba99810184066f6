"""Throughput of the article-dedup stage's two parts, on one core.

    python bench/bench_dedup.py [CORPUS.jsonl] [--limit N] [--runs 5]

near-dup stage: tokens + exact fingerprint + MinHash signature + LSH query + insert + expiry
(what `ArticleIndex` does before the story step). story stage: feature vector + best story +
insert. Articles come from a JSONL corpus (`title`, `body`) or, without one, are generated
(made-up words, with near-dup variants mixed in) so the benchmark runs anywhere. Each article
gets a publish time 60 s after the previous one; the window is 72 h. Prints the median
articles/s of `--runs` runs and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from pipeline.evaluation.variants import (
    make_variant,
    random_kinds,
    seeded,
    synthetic_article,
    synthetic_vocabulary,
)
from pipeline.steps import near_dup, stories

WINDOW = 72 * 3600.0


def load(corpus: Path | None, limit: int) -> list[tuple[str, str]]:
    if corpus is not None:
        rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()
                if line.strip()]
        return [(r.get("title", ""), r["body"]) for r in rows][:limit]
    rng = seeded(7)
    vocab = synthetic_vocabulary(rng)
    out: list[tuple[str, str]] = []
    while len(out) < limit:
        title, body = synthetic_article(rng, vocab)
        out.append((title, body))
        if rng.random() < 0.3:
            out.append(make_variant(title, body, random_kinds(rng), rng))
    return out[:limit]


def near_dup_pass(articles: list[tuple[str, str]]) -> float:
    params, rule = near_dup.LshParams(), near_dup.MatchRule()
    index = near_dup.LshIndex(params)
    exact: dict[str, str] = {}
    times: list[tuple[float, str]] = []
    started = time.perf_counter()
    for i, (_, body) in enumerate(articles):
        ts, item = i * 60.0, str(i)
        tokens = near_dup.words(body)
        fp = near_dup.body_fingerprint(tokens)
        if fp in exact:
            continue
        shingles = near_dup.shingles(tokens)
        sig = near_dup.signature(shingles, params)
        size = len(set(shingles))
        if index.query(sig, rule, size) is None:
            index.add(item, sig, size)
            exact[fp] = item
            times.append((ts, item))
        while times and times[0][0] < ts - WINDOW:  # expiry, as ArticleIndex.expire does
            index.remove(times.pop(0)[1])
    return len(articles) / (time.perf_counter() - started)


def story_pass(articles: list[tuple[str, str]]) -> float:
    index = stories.StoryIndex()
    started = time.perf_counter()
    for i, (title, body) in enumerate(articles):
        vector = stories.features(title, body)
        index.add(str(i), index.assign(str(i), vector), vector)
    return len(articles) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    articles = load(args.corpus, args.limit)
    stories.features("warm", "up the background table")
    source = args.corpus.name if args.corpus else "generated"
    print(f"{len(articles)} articles from {source}, {args.runs} runs, one core")
    for name, stage in (("near-dup", near_dup_pass), ("story", story_pass)):
        rates = [stage(articles) for _ in range(args.runs)]
        print(f"{name:9s} stage: {statistics.median(rates):8.0f} articles/s (median; "
              f"min {min(rates):.0f}, max {max(rates):.0f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
