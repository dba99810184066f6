"""`wirestream eval dedup` through the running pipeline: publish labelled articles to a real
broker, let a worker process them, and score the outcomes consumers read with the eval's own
scorer (`pipeline.evaluation.dedup.score_outcomes`).

    python bench/score_dedup_pipeline.py .wirestream/dev/bbc-neardup.jsonl [more files]

Articles are published as producers would (JSON, keyed by article id) in publish-date order
with local disorder (each moved up to 5 places, seeded), as `score_events_pipeline.py` does;
direct pairs are each outcome's `duplicate_of`, or the copy a late original `supersedes`.
Uses the local broker unless KAFKA_BOOTSTRAP_SERVERS is set; prints one JSON line per file.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pipeline_scoring import broker, worker_run  # noqa: E402
from pipeline.evaluation.dedup import _article_fields, load_labelled, score_outcomes  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402
from schemas.records import Article  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labelled", type=Path, nargs="+")
    args = parser.parse_args()
    with broker() as base:
        for labelled in args.labelled:
            print(json.dumps(score_file(base, labelled, random.Random(7))))  # noqa: S311


def score_file(base: WirestreamSettings, labelled: Path, rng: random.Random) -> dict:
    rows = load_labelled(labelled)
    by_id = {str(row["id"]): row for row in rows.good}
    articles = [Article.model_validate(_article_fields(row)) for row in rows.good]
    with worker_run(base, articles, rng, name="dedup", timeout=1800) as (_, received, order):
        outcomes = {o.article_id: o for o in received.values()
                    if o.article_id is not None and o.status != "rejected"}
    ordered = [by_id[a.id] for a in order if a.id in outcomes]
    return {"articles": len(rows.good), "rejected": len(rows.good) - len(ordered),
            **score_outcomes(ordered, outcomes), "bad_rows": len(rows.bad),
            "file": str(labelled), "path": "pipeline"}


if __name__ == "__main__":
    main()
