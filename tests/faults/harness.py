"""Shared by the fault tests: varied input, a paced publisher, exactly-once checks."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from kafka import KafkaAdminClient, KafkaProducer

from pipeline import topics as T
from pipeline.adapters.client import wait_for_outcomes
from pipeline.adapters.kafka_io import Published, client_config, read_topic
from pipeline.settings import WirestreamSettings
from tests.support.variants import (
    make_variant,
    random_kinds,
    seeded,
    synthetic_article,
    synthetic_vocabulary,
)

BAD_RECORDS = Path(__file__).resolve().parents[2] / "seeds" / "bad-records.jsonl"

_ACTORS = ["Egypt", "Israel", "Hamas", "Iran", "Qatar", "the United States", "Russia",
           "Ukraine", "Turkey", "the European Union", "China", "Kenyan police"]
_CLAUSES = ["{a} rejected the proposal by {b} on {d}.", "{a} met {b} in {p} on {d}.",
            "{a} condemned {b} on {d}.", "{a} accused {b} of violating the ceasefire.",
            "{a} threatened to impose sanctions on {b}.",
            "{a} launched airstrikes on {b} in {p} on {d}, killing 12 people."]
_FILLER = ["Markets in {p} were calm as traders waited for new figures.",
           "Analysts said the outlook for the coming year remained uncertain.",
           "Residents said they had not noticed any change in their daily lives.",
           "The report runs to more than 200 pages and covers a decade of data."]
_PLACES = ["Cairo", "Doha", "Kyiv", "Geneva", "Nairobi", "Gaza City", "Ankara"]
_DAYS = ["Monday", "Tuesday", "Wednesday"]


def generated_inputs(n: int, seed: int = 5, filler_paragraphs: int = 0) -> list[bytes]:
    """Articles whose events repeat across outlets, ~10% near-copies, ~7% broken records.

    `filler_paragraphs` adds made-up text (~65 words a paragraph) to each original article.
    """
    rng = seeded(seed)
    vocabulary = synthetic_vocabulary(rng) if filler_paragraphs else []
    bad = [line for line in BAD_RECORDS.read_bytes().split(b"\n") if line.strip()]
    out: list[bytes] = []
    originals: list[dict] = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.07:
            out.append(rng.choice(bad))
            continue
        if roll < 0.17 and originals:
            origin = rng.choice(originals)
            title, body = make_variant(origin["title"], origin["body"], random_kinds(rng), rng)
            article = {**origin, "id": f"copy-{i}", "source": f"outlet-{i % 9}",
                       "title": title, "body": body}
        else:
            sentences = []
            for _ in range(rng.randint(3, 6)):
                a, b = rng.sample(_ACTORS, 2)
                pool = _CLAUSES if rng.random() < 0.4 else _FILLER
                sentence = rng.choice(pool).format(a=a, b=b, p=rng.choice(_PLACES),
                                                   d=rng.choice(_DAYS))
                sentences.append(sentence[0].upper() + sentence[1:])
            body = " ".join(sentences)
            if filler_paragraphs:
                body += "\n\n" + synthetic_article(rng, vocabulary, filler_paragraphs)[1]
            article = {"id": f"art-{i}", "source": f"outlet-{i % 9}", "title": f"story {i}",
                       "body": body, "published_at": "2025-02-04T10:00:00Z"}
            originals.append(article)
        out.append(json.dumps(article).encode())
    return out


class Publisher(threading.Thread):
    """Publishes the inputs at a steady pace; `sent` lists where each one landed."""

    def __init__(self, settings: WirestreamSettings, values: list[bytes], pace: float) -> None:
        super().__init__(daemon=True)
        self.settings, self.values, self.pace = settings, values, pace
        self.sent: list[Published] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        topic = T.TopicNames(self.settings.topic_prefix)[T.ARTICLES_RAW]
        producer = KafkaProducer(**client_config(self.settings), acks="all")
        try:
            futures = []
            for value in self.values:
                futures.append(producer.send(topic, value=value))
                time.sleep(self.pace)
            producer.flush()
            for fut in futures:
                meta = fut.get(timeout=30)
                self.sent.append(Published(meta.topic, meta.partition, meta.offset))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            producer.close()


def read(settings: WirestreamSettings, base: str, isolation: str = "read_committed") -> list[dict]:
    topic = T.TopicNames(settings.topic_prefix)[base]
    return [json.loads(v) for _, v in read_topic(settings, topic, isolation_level=isolation)]


def event_problems(outcomes: list[dict], enriched: list[dict], mentions: list[dict]) -> list[str]:
    """Everything wrong with the event outputs; empty when they are exactly-once correct."""
    announced = {e for o in outcomes for e in o.get("event_ids") or []}
    mentioned = {m["event_id"] for m in mentions}
    problems = [f"{len(announced - mentioned)} of {len(announced)} events named by outcomes "
                f"have no mention, e.g. {sorted(announced - mentioned)[:3]}"] \
        if announced - mentioned else []
    firsts = Counter(e["event_id"] for e in enriched if e["revision"] == 1)
    problems += [f"{k} announced as new {n} times" for k, n in firsts.items() if n > 1]
    repeated = Counter(m["mention_id"] for m in mentions)
    problems += [f"mention {k} published {n} times" for k, n in repeated.items() if n > 1]
    distinct: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        distinct[m["event_id"]].add(m["mention_id"])
    counts: dict[str, list[int]] = defaultdict(list)
    for e in enriched:  # one key lives in one partition: this is its order
        counts[e["event_id"]].append(e["num_mentions"])
    for event_id, seq in counts.items():
        if seq != sorted(seq):
            problems.append(f"{event_id}: num_mentions went down: {seq}")
        if seq[-1] != len(distinct[event_id]):
            problems.append(f"{event_id}: final num_mentions {seq[-1]} but "
                            f"{len(distinct[event_id])} distinct mentions")
    problems += [f"{k}: mentions but no event record" for k in set(distinct) - set(counts)]
    return problems


def diagnose(settings: WirestreamSettings, sent: list[Published]) -> str:
    """Where the inputs without an outcome got to: which stage lost them, and the offsets."""
    lines = []
    committed = read(settings, T.ARTICLES_OUTCOMES)
    missing = {p.input_ref for p in sent} - {o["input_ref"] for o in committed}
    uncommitted = {o["input_ref"] for o in read(settings, T.ARTICLES_OUTCOMES,
                                                   "read_uncommitted")}
    valid_c = {v["input_ref"] for v in read(settings, T.ARTICLES_VALID)}
    valid_u = {v["input_ref"] for v in read(settings, T.ARTICLES_VALID, "read_uncommitted")}
    dlq = {f"{d['source_topic']}:{d['partition']}:{d['offset']}"
           for d in read(settings, T.ARTICLES_DLQ, "read_uncommitted")}
    for ref in sorted(missing):
        lines.append(f"{ref}: outcome uncommitted={ref in uncommitted} "
                     f"valid committed={ref in valid_c} uncommitted={ref in valid_u} "
                     f"dlq(any)={ref in dlq}")
    admin = KafkaAdminClient(**client_config(settings))
    try:
        offsets = admin.list_group_offsets({settings.app_id: None}).get(settings.app_id) or {}
    finally:
        admin.close()
    lines += [f"group offset {tp.topic}:{tp.partition} = {meta.offset}"
              for tp, meta in sorted(offsets.items())]
    return "\n".join(lines + _worker_log_warnings(Path(settings.data_dir)))


def _worker_log_warnings(data_dir: Path, keep: int = 40) -> list[str]:
    """The last warnings and errors of the workers' logs: what a stall or a loss looked like
    from inside (CI keeps only the test's output)."""
    lines: list[str] = []
    for log_file in sorted(data_dir.rglob("*.log")):
        text = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        noted = [line for line in text if any(level in line for level in
                                              ("WARNING", "ERROR", "CRITICAL", "Traceback"))]
        lines += [f"--- {log_file.name}: last {min(keep, len(noted))} warnings/errors"]
        lines += [line[:300] for line in noted[-keep:]]
    return lines


def assert_exactly_once(settings: WirestreamSettings, sent: list[Published]) -> str:
    """Wait until every input has its outcome and the events settle, then check the raw
    (read_committed) topics; returns a one-line summary."""
    try:
        wait_for_outcomes(settings, sent, timeout=120)
    except TimeoutError as exc:
        raise AssertionError(f"{exc}\n{diagnose(settings, sent)}") from exc
    # Event updates commit after the outcomes (a later stage): wait until they settle.
    deadline = time.monotonic() + 60
    outcomes = read(settings, T.ARTICLES_OUTCOMES)
    while True:
        enriched = read(settings, T.EVENTS_ENRICHED)
        mentions = read(settings, T.EVENTS_MENTIONS)
        problems = event_problems(outcomes, enriched, mentions)
        if not problems or time.monotonic() > deadline:
            break
        time.sleep(2)
    per_ref = Counter(o["input_ref"] for o in outcomes)
    assert set(per_ref) == {p.input_ref for p in sent}
    assert [r for r, n in per_ref.items() if n != 1] == []
    statuses = Counter(o["status"] for o in outcomes)
    assert statuses["rejected"] and statuses["processed"] and statuses["duplicate"]
    assert mentions and enriched
    assert problems == []
    # What a read_uncommitted consumer would also have seen: records of aborted transactions.
    dirty = Counter(o["input_ref"] for o in read(settings, T.ARTICLES_OUTCOMES,
                                                  "read_uncommitted"))
    return (f"{len(sent)} inputs, outcomes {dict(statuses)}, "
            f"{len({m['event_id'] for m in mentions})} events, {len(mentions)} mentions, "
            f"{len(enriched)} event records; read_uncommitted sees "
            f"{sum(dirty.values()) - len(sent)} extra outcome records "
            f"({sum(1 for n in dirty.values() if n > 1)} inputs doubled)")
