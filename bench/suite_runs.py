"""The scenarios of `bench/bench_suite.py`, each on fresh prefixed topics of one broker:
the pass-through ceiling, the pipeline's throughput, latency at an offered load."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import orjson

from bench.suite_kafka import Arrival, ArrivalReader, create_plain_topics, paced_publish
from bench.suite_stats import pacing_schedule, process_cpu_seconds, rate, summary
from pipeline import topics as T
from pipeline.adapters.kafka_io import ensure_topics, publish
from pipeline.cli.launcher import settings_env
from pipeline.settings import WirestreamSettings
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess, rss_mib, stop_group

PASSTHROUGH = Path(__file__).resolve().parent / "passthrough_app.py"
READY_TIMEOUT = 300.0
MENTION_GRACE = 30.0  # after the last outcome, for the mentions still in flight


def drain_timeout(n: int) -> float:
    """Generous: a 2-core machine with CI running does a few articles per second at worst."""
    return 600.0 + n * 0.5


def first_arrivals(arrivals: Sequence[Arrival], topic: str) -> dict[str, float]:
    """key (decoded) -> when its first record on `topic` arrived."""
    found: dict[str, float] = {}
    for a in arrivals:
        if a.topic == topic and a.key is not None:
            found.setdefault(a.key.decode(), a.at)
    return found


def run_ceiling(servers: str, tmp: Path, payloads: Sequence[bytes], guarantee: str) -> dict:
    """The bare Faust pass-through: records/s from its assignment to the Nth copy visible."""
    settings = isolated_settings(servers, tmp, processing_guarantee=guarantee)
    source, sink = (f"{settings.topic_prefix}passthrough.{end}" for end in ("in", "out"))
    create_plain_topics(settings, [source, sink])
    publish(settings, source, [(None, p) for p in payloads])
    ready_file = Path(settings.data_dir) / "ready"
    ready_file.parent.mkdir(parents=True, exist_ok=True)
    env = settings_env(settings) | {"PASSTHROUGH_SOURCE": source, "PASSTHROUGH_SINK": sink,
                                    "PASSTHROUGH_READY_FILE": str(ready_file)}
    reader = ArrivalReader(settings, [sink]).start()
    with (Path(settings.data_dir) / "passthrough.log").open("ab") as log:
        proc = subprocess.Popen(  # noqa: S603 - our own script, fixed argv
            [sys.executable, str(PASSTHROUGH), "worker", "-l", "warn"], env=env,
            cwd=settings.data_dir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        started = _wait_ready_file(ready_file, proc)
        cpu0 = process_cpu_seconds(proc.pid) or 0.0
        arrivals = reader.wait(lambda a: len(a) >= len(payloads), drain_timeout(len(payloads)))
        cpu1 = process_cpu_seconds(proc.pid) or 0.0
        elapsed = arrivals[len(payloads) - 1].at - started
        return {"records_per_s": rate(len(payloads), elapsed), "elapsed_s": elapsed,
                "cpu_s_per_record": (cpu1 - cpu0) / len(payloads),
                "rss_mib": rss_mib(proc.pid, "VmHWM")}
    finally:
        reader.close()
        stop_group(proc)


def _wait_ready_file(path: Path, proc: subprocess.Popen[bytes]) -> float:
    """The monotonic time at which the app wrote its ready file (its wall stamp, converted)."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"passthrough app exited with {proc.returncode}; see "
                               f"{path.parent / 'passthrough.log'}")
        if path.exists() and path.read_text().strip():
            wall = float(path.read_text())
            return time.monotonic() - max(time.time() - wall, 0.0)
        time.sleep(0.05)
    raise TimeoutError(f"passthrough app not ready within {READY_TIMEOUT:.0f}s")


def run_pipeline(servers: str, tmp: Path, payloads: Sequence[bytes], guarantee: str,
                 workers: int, extractor: str | None = None) -> dict:
    """Preloaded `articles.raw`, then the workers: articles/s from the first worker ready to
    the last outcome visible; peak RSS per worker; CPU seconds per article over that span.
    `extractor`: a `WIRESTREAM_EXTRACTOR` other than the default."""
    overrides = {"extractor": extractor} if extractor else {}
    settings = isolated_settings(servers, tmp, processing_guarantee=guarantee, **overrides)
    ensure_topics(settings)
    names = T.TopicNames(settings.topic_prefix)
    sent = publish(settings, names[T.ARTICLES_RAW], [(None, p) for p in payloads])
    wanted = {p.input_ref for p in sent}
    outcomes = names[T.ARTICLES_OUTCOMES]
    reader = ArrivalReader(settings, [outcomes]).start()
    procs = [WorkerProcess(settings, Path(settings.data_dir) / f"worker-{i}.log")
             for i in range(workers)]
    try:
        for p in procs:
            p.spawn()
        ready = _wait_all_ready(procs)
        started = min(at for at, _ in ready)
        arrivals = reader.wait(lambda a: wanted <= first_arrivals(a, outcomes).keys(),
                               drain_timeout(len(payloads)))
        cpu = sum((process_cpu_seconds(p.proc.pid) or 0.0) - at_ready
                  for p, (_, at_ready) in zip(procs, ready, strict=True) if p.proc)
        seen = {ref: at for ref, at in first_arrivals(arrivals, outcomes).items()
                if ref in wanted}
        elapsed = max(seen.values()) - started
        return {"articles_per_s": rate(len(wanted), elapsed), "elapsed_s": elapsed,
                "first_outcome_s": min(seen.values()) - started,
                "ready_spread_s": max(at for at, _ in ready) - started,
                "cpu_s_per_article": cpu / len(wanted),
                "rss_mib": [p.rss_mib("VmHWM") for p in procs]}
    finally:
        reader.close()
        for p in procs:
            p.stop()


def _wait_all_ready(procs: Sequence[WorkerProcess]) -> list[tuple[float, float]]:
    """(when it was seen ready, its CPU seconds then) for each worker, polled together."""
    ready: dict[int, tuple[float, float]] = {}
    deadline = time.monotonic() + READY_TIMEOUT
    while len(ready) < len(procs):
        if time.monotonic() > deadline:
            raise TimeoutError(f"workers not ready within {READY_TIMEOUT:.0f}s")
        for i, p in enumerate(procs):
            if i in ready or p.proc is None:
                continue
            if p.proc.poll() is not None:
                raise RuntimeError(f"worker {i} exited with {p.proc.returncode}:\n{p.tail()}")
            if "wirestream_worker_ready 1.0" in (p.metrics() or ""):
                ready[i] = (time.monotonic(), process_cpu_seconds(p.proc.pid) or 0.0)
        time.sleep(0.1)
    return [ready[i] for i in range(len(procs))]


def run_latency(servers: str, tmp: Path, items: Sequence[tuple[str, bytes]], guarantee: str,
                load: float | None, seconds: float, workers: int = 1) -> dict:
    """`workers` ready workers; `load` articles/s for `seconds` (None: all of `items` at
    once) by a paced producer; publish -> outcome and publish -> first mention of each
    article."""
    settings = isolated_settings(servers, tmp, processing_guarantee=guarantee)
    ensure_topics(settings)
    names = T.TopicNames(settings.topic_prefix)
    outcomes, mentions = names[T.ARTICLES_OUTCOMES], names[T.EVENTS_MENTIONS]
    schedule = pacing_schedule(load, seconds, limit=None if load else len(items))
    chosen = list(itertools.islice(itertools.cycle(items), len(schedule)))
    procs = [WorkerProcess(settings, Path(settings.data_dir) / f"worker-{i}.log")
             for i in range(workers)]
    for p in procs:
        p.spawn()
    try:
        _wait_all_ready(procs)
    except BaseException:
        for p in procs:
            p.stop()
        raise
    reader = ArrivalReader(settings, [outcomes, mentions]).start()
    try:
        sent = paced_publish(settings, names[T.ARTICLES_RAW], [p for _, p in chosen], schedule)
        wanted = {s.ref for s in sent}
        arrivals = reader.wait(lambda a: wanted <= first_arrivals(a, outcomes).keys(),
                               drain_timeout(len(sent)))
        ref_of = {}
        for (article_id, _), s in zip(chosen, sent, strict=True):
            ref_of.setdefault(article_id, s.ref)
        expected = _expecting_events(arrivals, outcomes, wanted)
        arrivals, missing = _wait_mentions(reader, mentions, ref_of, expected)
    finally:
        reader.close()
        for p in procs:
            p.stop()
    at = {s.ref: s.at for s in sent}
    seen = first_arrivals(arrivals, outcomes)
    mentioned = _first_mentions(arrivals, mentions, ref_of)
    return {"guarantee": guarantee, "offered_per_s": load, "workers": workers, "n": len(sent),
            "repeated": len(sent) - len({article_id for article_id, _ in chosen}),
            "achieved_per_s": rate(len(sent) - 1, sent[-1].at - sent[0].at),
            "throughput_per_s": rate(len(sent), max(seen[r] for r in wanted) - sent[0].at),
            "outcome_s": summary([seen[s.ref] - s.at for s in sent]),
            "event_s": summary([t - at[ref] for ref, t in mentioned.items()]),
            "events_missing": missing}


def _expecting_events(arrivals: Sequence[Arrival], outcomes: str, wanted: set[str]) -> set[str]:
    """Input refs whose outcome says processed with events: each has mentions coming."""
    refs = set()
    for a in arrivals:
        if a.topic == outcomes and a.key is not None and a.key.decode() in wanted:
            outcome = orjson.loads(a.value)
            if outcome.get("status") == "processed" and outcome.get("event_ids"):
                refs.add(a.key.decode())
    return refs


def _first_mentions(arrivals: Sequence[Arrival], mentions: str,
                    ref_of: dict[str, str]) -> dict[str, float]:
    """input ref -> when the first mention of its article arrived."""
    found: dict[str, float] = {}
    for a in arrivals:
        if a.topic == mentions:
            ref = ref_of.get(orjson.loads(a.value).get("article_id"))
            if ref is not None:
                found.setdefault(ref, a.at)
    return found


def _wait_mentions(reader: ArrivalReader, mentions: str, ref_of: dict[str, str],
                   expected: set[str]) -> tuple[list[Arrival], int]:
    """The arrivals once every expected article has a mention (or the grace ran out), and how
    many expected articles never got one."""
    try:
        arrivals = reader.wait(
            lambda a: expected <= _first_mentions(a, mentions, ref_of).keys(), MENTION_GRACE)
    except TimeoutError:
        arrivals = reader.snapshot()
    return arrivals, len(expected - _first_mentions(arrivals, mentions, ref_of).keys())


def run_settings(servers: str) -> WirestreamSettings:
    """The settings every scenario shares (for the report: commit interval, partitions)."""
    return WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS=servers)
