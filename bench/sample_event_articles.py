"""Draw the articles for event annotation from the world-news pool (docs/annotation.md).

Seeded and stratified by outlet and year, so both splits see varied outlets, years and
regions. Each article's annotated text is its lead: whole sentences up to about 1,800
characters (at least 4 sentences when they exist). Writes one work file per annotation batch
(id, corpus, chars, and the lead text for the annotator) and never the gold itself.

    python bench/sample_event_articles.py ../shared/corpora/world-news-2015-2020.jsonl OUT_DIR
    # a later round: 50 more dev articles, none already in a gold file
    python bench/sample_event_articles.py POOL OUT_DIR --dev 50 --untouched 0 --batch 10 \
        --seed 20261202 --exclude tests/data/gold/world-dev.jsonl \
        tests/data/gold/world-untouched.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.steps.extraction.text import split_sentences  # noqa: E402

LEAD_CHARS = 1800
MIN_SENTENCES = 4


def lead_chars(body: str) -> int:
    """End offset of the lead: whole sentences while the lead is under LEAD_CHARS."""
    end = 0
    for count, (_, stop) in enumerate(split_sentences(body), start=1):
        if stop > LEAD_CHARS and count > MIN_SENTENCES:
            break
        end = stop
    return end


def stratified(rows: list[dict], count: int, rng: random.Random) -> list[dict]:
    """Round-robin over (outlet, year) strata, shuffled, so no outlet or year dominates."""
    strata: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        strata[(row["source"], row["published_at"][:4])].append(row)
    for members in strata.values():
        rng.shuffle(members)
    keys = sorted(strata)
    rng.shuffle(keys)
    picked: list[dict] = []
    while len(picked) < count and any(strata.values()):
        for key in keys:
            if strata[key] and len(picked) < count:
                picked.append(strata[key].pop())
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pool", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dev", type=int, default=100)
    parser.add_argument("--untouched", type=int, default=60)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[],
                        help="gold files whose articles are not drawn again")
    args = parser.parse_args()
    taken = {json.loads(line)["article"]["id"] for path in args.exclude
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    rng = random.Random(args.seed)  # noqa: S311 - a reproducible sample, not a secret
    rows = [json.loads(line) for line in args.pool.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    # A lead must start at the article's start: skip bodies crawled from mid-sentence.
    rows = [r for r in rows if (r["body"][:1].isupper() or r["body"][:1] in "\"'(“‘")
            and r["id"] not in taken]
    picked = stratified(rows, args.dev + args.untouched, rng)
    splits = {"dev": picked[0::2][: args.dev], "untouched": picked[1::2][: args.untouched]}
    rest = [r for r in picked if r not in splits["dev"] and r not in splits["untouched"]]
    splits["dev"] += rest[: args.dev - len(splits["dev"])]
    args.out.mkdir(parents=True, exist_ok=True)
    for split, members in splits.items():
        for start in range(0, len(members), args.batch):
            batch = members[start:start + args.batch]
            path = args.out / f"{split}-{start // args.batch + 1:02d}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for row in batch:
                    chars = lead_chars(row["body"])
                    out.write(json.dumps({
                        "corpus": args.pool.name, "id": row["id"], "chars": chars,
                        "source": row["source"], "published_at": row["published_at"],
                        "title": row["title"], "lead": row["body"][:chars]},
                        ensure_ascii=False) + "\n")
            print(path, len(batch))


if __name__ == "__main__":
    main()
