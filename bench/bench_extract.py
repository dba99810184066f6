"""Benchmark event extraction alone (no Kafka): articles per second on one core.

    python bench/bench_extract.py ../shared/corpora/bbc-news-2005.jsonl [--limit N] [--runs 5]
    python bench/bench_extract.py            # articles generated from templates, no files needed

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

from pipeline.steps.extraction.extract import extract_events  # noqa: E402
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
    args = parser.parse_args()
    articles = load(args.corpus, args.limit) if args.corpus else generated(args.limit or 500)
    started = time.perf_counter()
    extract_events(articles[0])  # compiles dictionaries and loads the gazetteer once
    load_seconds = time.perf_counter() - started
    events = sum(len(extract_events(a)) for a in articles)  # warm-up pass
    rates = []
    for _ in range(max(1, args.runs)):
        t0 = time.perf_counter()
        for article in articles:
            extract_events(article)
        rates.append(len(articles) / (time.perf_counter() - t0))
    words = sum(len(a.body.split()) for a in articles) / len(articles)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "corpus": str(args.corpus) if args.corpus else "generated",
        "articles": len(articles), "runs": len(rates),
        "articles_per_s": round(statistics.median(rates), 1),
        "articles_per_s_min": round(min(rates), 1), "articles_per_s_max": round(max(rates), 1),
        "words_per_article": round(words, 1),
        "events_per_article": round(events / len(articles), 2),
        "dictionary_load_s": round(load_seconds, 2), "peak_rss_mb": round(peak_mb, 1),
    }
    print(f"{result['articles_per_s']:.0f} articles/s (median of {len(rates)} runs; "
          f"min {result['articles_per_s_min']:.0f}, max {result['articles_per_s_max']:.0f}) "
          f"on {len(articles)} articles of {words:.0f} words; "
          f"{result['events_per_article']} events/article; peak RSS {peak_mb:.0f} MB; "
          f"dictionaries loaded in {load_seconds:.2f}s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
