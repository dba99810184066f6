"""Build labelled dedup/story dev files from the shared corpora into `.wirestream/dev/`.

    python bench/make_dedup_sets.py [--corpora ../shared/corpora] [--out .wirestream/dev]

Writes (labelled-articles format, see ../shared/seeds/README.md), all seeded:
- `bbc-neardup.jsonl`: every BBC article (no dates in the corpus: spread over 30 days), its own
  exact duplicates placed within a day of the first copy, and generated near-dup variants of
  600 of them (new headline, trimmed/re-ordered paragraphs, typos, boilerplate, rewording)
  published 0-48 h after the original. Stories: one per dup group, else one per article.
- `newswcl50.jsonl`: the 10 stories x 5 outlets, all interleaved within 48 h (no dates in the
  corpus: the same window makes stories distinguishable by content only).
- `mixed.jsonl`: NewsWCL50 plus two near-dup variants of 20 of its articles plus 400 BBC
  articles as unrelated background, all within 72 h: stories, outlets and copies at once.

The corpora stay in ../shared (publishers' rights): only these derived files are written, to a
git-ignored folder.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support

from pipeline.steps.article_dedup.near_dup import body_fingerprint, words  # noqa: E402
from tests.support.variants import make_variant, random_kinds, seeded  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2024, 3, 1, tzinfo=UTC)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    rows = sorted(rows, key=lambda r: r["published_at"])
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    print(f"wrote {path} ({len(rows)} articles)")


def _row(src: dict, when: datetime, story: str, dup_group: str | None, **over: str) -> dict:
    return {"id": src["id"], "source": src.get("source") or src.get("outlet") or "unknown",
            "title": src.get("title", ""), "body": src["body"], "published_at": when.isoformat(),
            "story": story, "dup_group": dup_group, **over}


def variant_rows(src: dict, base: datetime, story: str, group: str, count: int,
                 rng: random.Random) -> list[dict]:
    out = []
    for k in range(count):
        kinds = random_kinds(rng)
        title, body = make_variant(src.get("title", ""), src["body"], kinds, rng)
        when = base + timedelta(seconds=rng.randint(60, 48 * 3600))
        out.append(_row(src, when, story, group, id=f"{src['id']}~v{k}-{'+'.join(kinds)}",
                        source=f"syndicate-{rng.randint(1, 9)}", title=title, body=body))
    return out


def copy_groups(bbc: list[dict]) -> list[list[dict]]:
    """The corpus's own copies: same normalised body or same headline (a re-filed story,
    sometimes lightly edited), grouped transitively; first-seen order."""
    parent = list(range(len(bbc)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_by_key: dict[str, int] = {}
    for i, art in enumerate(bbc):
        for key in ("b:" + body_fingerprint(words(art["body"])), "t:" + art["title"].casefold()):
            j = first_by_key.setdefault(key, i)
            parent[find(i)] = find(j)
    groups: dict[int, list[dict]] = defaultdict(list)
    for i, art in enumerate(bbc):
        groups[find(i)].append(art)
    return list(groups.values())


def bbc_set(bbc: list[dict], rng: random.Random) -> list[dict]:
    groups = copy_groups(bbc)
    rows = []
    sampled = set(rng.sample(range(len(groups)), 600))
    for i, copies in enumerate(groups):
        first = copies[0]
        when = START + timedelta(seconds=rng.randint(0, 30 * 86400))
        has_dups = len(copies) > 1 or i in sampled
        group = f"dup-{first['id']}" if has_dups else None
        story = group or f"story-{first['id']}"
        rows.append(_row(first, when, story, group))
        for copy in copies[1:]:  # the corpus's own exact duplicates: filed again that day
            rows.append(_row(copy, when + timedelta(seconds=rng.randint(60, 86400)), story, group))
        if i in sampled:
            rows += variant_rows(first, when, story, group, rng.randint(1, 2), rng)
    return rows


def wcl_rows(wcl: list[dict], rng: random.Random, hours: int) -> list[dict]:
    return [_row(art, START + timedelta(seconds=rng.randint(0, hours * 3600)), art["story"], None)
            for art in wcl]


def mixed_set(wcl: list[dict], bbc: list[dict], rng: random.Random) -> list[dict]:
    rows = wcl_rows(wcl, rng, 48)
    for row in rng.sample(rows, 20):
        row["dup_group"] = f"dup-{row['id']}"
        base = datetime.fromisoformat(row["published_at"])
        rows += variant_rows(row, base, row["story"], row["dup_group"], 2, rng)
    for copies in rng.sample(copy_groups(bbc), 400):
        when = START + timedelta(seconds=rng.randint(0, 72 * 3600))
        group = f"dup-{copies[0]['id']}" if len(copies) > 1 else None
        for copy in copies:
            rows.append(_row(copy, when, f"story-{copies[0]['id']}", group))
            when += timedelta(seconds=rng.randint(60, 3600))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--out", type=Path, default=ROOT / ".wirestream" / "dev")
    parser.add_argument("--seed", type=int, default=2005)
    args = parser.parse_args()
    bbc = read_jsonl(args.corpora / "bbc-news-2005.jsonl")
    wcl = read_jsonl(args.corpora / "newswcl50-stories.jsonl")
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(args.out / "bbc-neardup.jsonl", bbc_set(bbc, seeded(args.seed)))
    write_jsonl(args.out / "newswcl50.jsonl", wcl_rows(wcl, seeded(args.seed), 48))
    write_jsonl(args.out / "mixed.jsonl", mixed_set(wcl, bbc, seeded(args.seed)))


if __name__ == "__main__":
    main()
