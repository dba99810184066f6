"""Worst-case inputs for event extraction: seconds per article for bodies built to be slow.

    python bench/bench_extract_worst.py [../shared/corpora/bbc-news-2005.jsonl] \
        [--extractor pipeline.steps.clauses.extract:extract_events]

Each case is a body the edge accepts (under the 1 MB input limit): half a megabyte of real
news in one article, a 30,000-word run-on sentence, 20,000 repeats of one sentence, half a
megabyte of actor names, one 500 KB word. Without the corpus, the real-news case is built from
generated articles. Prints one line per case and a JSON line last.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_extract import generated  # noqa: E402
from pipeline.stages.extractors import DEFAULT, load_extractor  # noqa: E402
from schemas.records import Article  # noqa: E402


def cases(corpus: Path | None) -> dict[str, str]:
    if corpus is not None:
        bodies = [json.loads(line)["body"] for line in
                  corpus.read_text(encoding="utf-8").splitlines()[:400] if line.strip()]
    else:
        bodies = [a.body for a in generated(400)]
    words = ["Israel", "attacked", "Hamas", "and", "Egypt", "urged", "talks", "with"]
    return {
        "500 KB of news in one article": "\n".join(bodies)[:500_000],
        "30,000-word run-on sentence": " ".join(words * 3750),
        "20,000 repeats of one sentence": "Netanyahu met Trump in Washington on Tuesday. " * 20_000,
        "500 KB of actor names": "Israel Hamas Egypt Jordan Qatar " * 16_000,
        "one 500 KB word": "x" * 500_000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?")
    parser.add_argument("--extractor", default=DEFAULT, help="package.module:function")
    args = parser.parse_args()
    extract_events = load_extractor(args.extractor)
    extract_events(Article(id="warm", source="s", body="Iran met Iraq.", published_at="2025-02-04"))
    results = {}
    for name, body in cases(args.corpus).items():
        article = Article(id="worst", source="s", body=body, published_at="2025-02-04")
        start = time.perf_counter()
        events = extract_events(article)
        seconds = time.perf_counter() - start
        results[name] = round(seconds, 3)
        print(f"{name}: {len(body) / 1000:.0f} KB, {seconds:.2f} s, {len(events)} events")
    print(json.dumps({"extractor": args.extractor, "seconds": results,
                      "max_seconds": max(results.values())}))


if __name__ == "__main__":
    main()
