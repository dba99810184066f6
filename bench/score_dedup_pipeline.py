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
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.score_events_pipeline import publish_order  # noqa: E402
from pipeline import topics  # noqa: E402
from pipeline.adapters.client import wait_for_outcomes  # noqa: E402
from pipeline.adapters.kafka_io import ensure_topics, publish  # noqa: E402
from pipeline.broker import broker_status, start_broker, stop_broker  # noqa: E402
from pipeline.evaluation.dedup import _article_fields, load_labelled, score_outcomes  # noqa: E402
from pipeline.settings import WirestreamSettings  # noqa: E402
from schemas.records import Article  # noqa: E402
from tests.support.workers import WorkerProcess  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labelled", type=Path, nargs="+")
    args = parser.parse_args()
    base = WirestreamSettings()
    started = False
    if not base.bootstrap_servers:
        started = broker_status() is None
        base = base.model_copy(update={"bootstrap_servers": start_broker().bootstrap_servers})
    try:
        for labelled in args.labelled:
            print(json.dumps(score_file(base, labelled, random.Random(7))))  # noqa: S311
    finally:
        if started:
            stop_broker()


def score_file(base: WirestreamSettings, labelled: Path, rng: random.Random) -> dict:
    rows = load_labelled(labelled)
    by_id = {str(row["id"]): row for row in rows.good}
    articles = [Article.model_validate(_article_fields(row)) for row in rows.good]
    tag = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.model_copy(update={
            "topic_prefix": f"dedup{tag}.", "app_id": f"wirestream-dedup-{tag}",
            "data_dir": str(Path(tmp) / "worker"), "metrics_port": 0})
        ensure_topics(settings)
        worker = WorkerProcess(settings, Path(tmp) / "worker.log").start()
        try:
            order = publish_order(articles, rng)
            raw = topics.TopicNames(settings.topic_prefix)[topics.ARTICLES_RAW]
            sent = publish(settings, raw, [(a.id.encode(), a.model_dump_json().encode())
                                           for a in order])
            received = wait_for_outcomes(settings, sent, timeout=1800)
        finally:
            worker.stop()
    outcomes = {o.article_id: o for o in received.values()
                if o.article_id is not None and o.status != "rejected"}
    ordered = [by_id[a.id] for a in order if a.id in outcomes]
    return {"articles": len(rows.good), "rejected": len(rows.good) - len(ordered),
            **score_outcomes(ordered, outcomes), "bad_rows": len(rows.bad),
            "file": str(labelled), "path": "pipeline"}


if __name__ == "__main__":
    main()
