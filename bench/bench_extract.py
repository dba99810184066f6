"""Benchmark event extraction alone (no Kafka): articles per second on one core.

    python bench/bench_extract.py ../shared/corpora/bbc-news-2005.jsonl [--limit N] [--runs 5]
    python bench/bench_extract.py            # articles generated from templates, no files needed
    python bench/bench_extract.py CORPUS \
        --extractor pipeline.steps.extraction.extract:extract_events \
        --extractor pipeline.steps.clauses.extract:extract_events   # several engines, one run

Dictionaries and the gazetteer are loaded once before timing (as in a long-running worker);
one warm-up pass precedes the timed runs; the reported rate is the median of the runs.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.stages.extractors import DEFAULT, load_extractor  # noqa: E402
from schemas.records import Article  # noqa: E402

_ACTORS = ["Israeli Prime Minister Benjamin Netanyahu", "Hamas", "the Egyptian foreign ministry",
           "US President Joe Biden", "Russian forces", "Ukraine's army", "Kenyan police",
           "the European Union", "Chinese Foreign Minister Wang Yi", "Iran", "Turkish warplanes",
           "protesters in Nairobi", "the United Nations", "Pakistani police", "Qatar"]
_CLAUSES = ["{a} met {b} in {p} on {d}.", "{a} condemned {b} on {d}.",
            "{a} will travel to {p} next week to meet {b}.",
            "{a} accused {b} of violating the deal.",
            "{a} launched airstrikes on {b} in {p} on {d}, killing 12 people.",
            "{a} threatened to impose sanctions on {b}.", "{a} did not meet {b} in {p}.",
            "{a} is expected to sign an agreement with {b} later this week.",
            "{a} said the economy grew by 2% last year, according to officials in {p}."]
# Most sentences of real news code no event (BBC 2005: about 0.3 events per article).
_FILLER = ["Markets in {p} were calm as traders waited for figures due on {d}.",
           "The weather was mild and the new figures were the main topic of the day.",
           "Analysts said the outlook for the coming year remained uncertain.",
           "The report, published on {d}, runs to more than 200 pages and covers a decade.",
           "Shares in the company rose by 3% in early trading before falling back.",
           "Many residents said they had not noticed any change in their daily lives."]
_EVENT_SHARE = 0.1
_PLACES = ["Doha", "Cairo", "Washington", "Kyiv", "Nairobi", "Beijing", "Geneva", "Gaza City",
           "Lahore", "Brussels"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def generated(n: int, words: int = 400, seed: int = 7) -> list[Article]:
    """`n` synthetic news-like articles of about `words` words each (deterministic)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    out = []
    for i in range(n):
        sentences: list[str] = []
        while sum(len(s.split()) for s in sentences) < words:
            a, b = rng.sample(_ACTORS, 2)
            pool = _CLAUSES if rng.random() < _EVENT_SHARE else _FILLER
            sentences.append(rng.choice(pool).format(a=a[0].upper() + a[1:], b=b,
                                                         p=rng.choice(_PLACES),
                                                         d=rng.choice(_DAYS)))
        out.append(Article(id=f"gen-{i}", source="bench", body=" ".join(sentences),
                           published_at="2025-02-04"))
    return out


def load(path: Path, limit: int | None) -> list[Article]:
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                raw = json.loads(line)
                raw.setdefault("published_at", "2005-01-01")
                articles.append(Article.model_validate(raw))
                if limit and len(articles) >= limit:
                    break
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, help="JSONL articles (default: generated)")
    parser.add_argument("--limit", type=int, default=None, help="use the first N articles")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (median reported)")
    parser.add_argument("--extractor", action="append", default=None,
                        help="package.module:function (repeat to compare; default the built-in)")
    args = parser.parse_args()
    articles = load(args.corpus, args.limit) if args.corpus else generated(args.limit or 500)
    for spec in args.extractor or [DEFAULT]:
        result = measure(load_extractor(spec), articles, args.runs)
        result = {"extractor": spec,
                  "corpus": str(args.corpus) if args.corpus else "generated", **result}
        print(f"{spec}: {result['articles_per_s']:.0f} articles/s (median of {result['runs']} "
              f"runs; min {result['articles_per_s_min']:.0f}, max "
              f"{result['articles_per_s_max']:.0f}) on {len(articles)} articles of "
              f"{result['words_per_article']:.0f} words; {result['events_per_article']} "
              f"events/article; slowest article {result['slowest_article_s']:.3f}s; RSS "
              f"{result['rss_mb']:.0f} MB; loaded in {result['load_s']:.2f}s")
        print(json.dumps(result))


def measure(extract_events, articles: list[Article], runs: int) -> dict:
    """Rate (median of `runs` timed passes after a warm-up), load time, RSS after loading."""
    started = time.perf_counter()
    extract_events(articles[0])  # compiles dictionaries, loads the gazetteer (and a model)
    load_seconds = time.perf_counter() - started
    events = sum(len(extract_events(a)) for a in articles)  # warm-up pass
    rates, slowest = [], 0.0
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        for article in articles:
            a0 = time.perf_counter()
            extract_events(article)
            slowest = max(slowest, time.perf_counter() - a0)
        rates.append(len(articles) / (time.perf_counter() - t0))
    words = sum(len(a.body.split()) for a in articles) / len(articles)
    return {
        "articles": len(articles), "runs": len(rates),
        "articles_per_s": round(statistics.median(rates), 1),
        "articles_per_s_min": round(min(rates), 1), "articles_per_s_max": round(max(rates), 1),
        "words_per_article": round(words, 1),
        "events_per_article": round(events / len(articles), 2),
        "slowest_article_s": round(slowest, 4), "load_s": round(load_seconds, 2),
        "rss_mb": round(_rss_mb(), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _rss_mb() -> float:
    """The process's resident set now (MiB), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
