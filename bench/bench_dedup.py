"""Throughput of the article-dedup stage, on one core, with the pipeline's own code.

    python bench/bench_dedup.py [CORPUS.jsonl] [--limit N] [--runs 5]

sketch: `article_index.sketch` (tokens, exact fingerprint, MinHash signature, story vector):
the costly, stateless half, which the worker runs in the parallel validate stage.
decide: `ArticleIndex.decide(article, sketch)` + `expire` (LSH query, story assignment,
insert into the table, expiry): the sequential single-partition stage.
near-dup: near-duplicate detection alone, end to end (tokens, exact fingerprint, shingles,
MinHash, LSH query and insert), without the story vectors: what the ≥ 5,000 articles/s
target of the near-duplicate stage is about.
together: sketch and decide chained on one core (their times per article added).
Articles come from a JSONL corpus (`title`, `body`) or, without one, are generated (made-up
words, with near-dup variants mixed in) so the benchmark runs anywhere. Each article gets a
publish time 60 s after the previous one; the window is 72 h. Prints the median articles/s
of `--runs` runs and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support

from pipeline.steps.article_dedup import near_dup  # noqa: E402
from pipeline.steps.article_dedup.article_index import ArticleIndex, sketch  # noqa: E402
from schemas.records import Article  # noqa: E402
from tests.support.variants import (  # noqa: E402
    make_variant,
    random_kinds,
    seeded,
    synthetic_article,
    synthetic_vocabulary,
)

WINDOW = 72 * 3600.0
T0 = datetime(2025, 1, 1, tzinfo=UTC)


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


def as_articles(pairs: list[tuple[str, str]]) -> list[Article]:
    return [Article(id=f"a{i}", source="bench", title=title, body=body,
                    published_at=T0 + timedelta(minutes=i))
            for i, (title, body) in enumerate(pairs)]


def sketch_pass(articles: list[Article]) -> float:
    started = time.perf_counter()
    for article in articles:
        sketch(article)
    return len(articles) / (time.perf_counter() - started)


def decide_pass(articles: list[Article]) -> float:
    sketches = [sketch(a) for a in articles]  # computed upstream in the worker
    index = ArticleIndex({}, window_seconds=WINDOW)
    started = time.perf_counter()
    for article, sk in zip(articles, sketches, strict=True):
        index.decide(article, sk)
        index.expire(index.clock)
    return len(articles) / (time.perf_counter() - started)


def near_dup_pass(articles: list[Article]) -> float:
    params, rule = near_dup.LshParams(), near_dup.MatchRule()
    index, exact = near_dup.LshIndex(params), {}
    started = time.perf_counter()
    for article in articles:
        tokens = near_dup.words(article.body)
        fingerprint = near_dup.body_fingerprint(tokens)
        if fingerprint in exact:
            continue
        shingle_list = near_dup.shingles(tokens)
        sig = near_dup.signature(shingle_list, params)
        size = len(set(shingle_list))
        if index.query(sig, rule, size) is None:
            index.add(article.id, sig, size)
            exact[fingerprint] = article.id
    return len(articles) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    articles = as_articles(load(args.corpus, args.limit))
    sketch(articles[0])  # load the background word table before timing
    source = args.corpus.name if args.corpus else "generated"
    print(f"{len(articles)} articles from {source}, {args.runs} runs, one core")
    medians: dict[str, float] = {}
    for name, stage in (("sketch", sketch_pass), ("decide", decide_pass),
                        ("near-dup", near_dup_pass)):
        rates = [stage(articles) for _ in range(args.runs)]
        medians[name] = statistics.median(rates)
        print(f"{name:8s}: {medians[name]:8.0f} articles/s (median; "
              f"min {min(rates):.0f}, max {max(rates):.0f})")
    # Both halves of the stage on one core, one after the other (what issue 11's speed
    # target is about): the time per article adds up.
    chained = 1.0 / (1.0 / medians["sketch"] + 1.0 / medians["decide"])
    print(f"together: {chained:8.0f} articles/s (sketch then decide, from the medians)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
