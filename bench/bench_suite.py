"""Every figure of the performance question in one run: one broker, the same payloads.

    python bench/bench_suite.py [CORPUS.jsonl] [--limit N] [--loads 10,20,50,100]
        [--load-seconds S] [--runs R] [--out bench/results] [--readme README.md]
        [--skip ceiling,pipeline,latency,saturation]

1. ceiling: a bare Faust pass-through agent (bench/passthrough_app.py) copying N preloaded
   payloads to another topic, at-least-once and exactly-once: records/s from its partitions
   assigned to the Nth copy visible (read_committed).
2. pipeline: N preloaded articles, then 1 worker at-least-once, 1 and 2 workers exactly-once,
   and 1 worker exactly-once with the near-free extractor (`bench/fixed_extractor.py`: the
   framework's own cost): articles/s from the first worker ready to the last outcome
   visible, peak RSS per worker, CPU seconds per article (the workers' utime + stime over
   that span).
3. latency: one fresh exactly-once worker per offered load (and at-least-once at the lowest),
   a paced producer for S seconds, then saturation (N at once): publish -> outcome and
   publish -> first event mention p50/p95/p99, achieved rate, throughput.

`--runs` repeats the ceiling and pipeline scenarios (medians reported, every run kept in the
JSON); latency runs once. Writes OUT/suite.json, OUT/suite.md, OUT/suite.png (with
matplotlib) and prints the table; `--readme` replaces the block between
`<!-- bench-suite:start -->` and `<!-- bench-suite:end -->` there. Uses
`KAFKA_BOOTSTRAP_SERVERS` or starts (and stops) a local broker.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_articles, bench_broker  # noqa: E402
from bench.suite_report import NEAR_FREE, plot, render_markdown, update_readme  # noqa: E402
from bench.suite_runs import run_ceiling, run_latency, run_pipeline, run_settings  # noqa: E402
from bench.suite_stats import median, parse_loads  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("ceiling", "pipeline", "latency", "saturation")
GUARANTEES = ("at_least_once", "exactly_once")
# (guarantee, workers, extractor): None is the configured (default) extractor; NEAR_FREE
# measures the framework's own cost with extraction taken out.
PIPELINES = (("at_least_once", 1, None), ("exactly_once", 1, None), ("exactly_once", 2, None),
             ("exactly_once", 1, NEAR_FREE))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path)
    parser.add_argument("--limit", type=int, default=2000, help="N articles (default 2000)")
    parser.add_argument("--loads", type=parse_loads, default=parse_loads("10,20,50,100"),
                        help="offered loads, articles/s (default 10,20,50,100; target at 20)")
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--latency-workers", type=int, default=1,
                        help="workers in the latency and saturation runs (default 1)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--readme", type=Path, help="replace the bench-suite block there")
    parser.add_argument("--skip", type=lambda s: {p.strip() for p in s.split(",") if p.strip()},
                        default=set(), help=f"comma-separated of {','.join(SECTIONS)}")
    args = parser.parse_args(argv)
    if args.skip - set(SECTIONS):
        parser.error(f"--skip: unknown {sorted(args.skip - set(SECTIONS))}; "
                     f"choose from {','.join(SECTIONS)}")
    return args


def summarized(runs: list[dict], **fixed: object) -> dict:
    """The median of each figure over the runs (per worker for lists), every run kept."""
    out: dict = dict(fixed)
    for key, first in runs[0].items():
        if isinstance(first, list):
            out[key] = [median([r[key][i] or math.nan for r in runs]) for i in range(len(first))]
        elif isinstance(first, int | float) or first is None:
            out[key] = median([math.nan if r[key] is None else r[key] for r in runs])
    out["runs"] = runs
    return out


def throughput(servers: str, tmp: Path, payloads: list[bytes], args: argparse.Namespace,
               results: dict) -> None:
    if "ceiling" not in args.skip:
        results["ceiling"] = {}
        for guarantee in GUARANTEES:
            print(f"ceiling {guarantee} ...", flush=True)
            runs = [run_ceiling(servers, tmp, payloads, guarantee) for _ in range(args.runs)]
            results["ceiling"][guarantee] = summarized(runs)
    if "pipeline" not in args.skip:
        results["pipeline"] = {}
        for guarantee, workers, extractor in PIPELINES:
            print(f"pipeline {guarantee} x{workers} {extractor or ''} ...", flush=True)
            runs = [run_pipeline(servers, tmp, payloads, guarantee, workers, extractor)
                    for _ in range(args.runs)]
            name = f"{guarantee}_x{workers}" + ("_near_free" if extractor else "")
            results["pipeline"][name] = summarized(
                runs, guarantee=guarantee, workers=workers,
                extractor=extractor or run_settings(servers).extractor)


def latency(servers: str, tmp: Path, items: list[tuple[str, bytes]], args: argparse.Namespace,
            results: dict) -> None:
    plan: list[tuple[str, float | None]] = []
    if "latency" not in args.skip:
        plan += [("exactly_once", load) for load in args.loads]
    if "saturation" not in args.skip:
        plan.append(("exactly_once", None))
    if "latency" not in args.skip:
        plan.append(("at_least_once", args.loads[0]))
    results["latency"] = []
    for guarantee, load in plan:
        print(f"latency {guarantee} at {load or 'saturation'} ...", flush=True)
        row = run_latency(servers, tmp, items, guarantee, load, args.load_seconds,
                          args.latency_workers)
        if row["repeated"]:
            print(f"  note: {row['repeated']} sends repeated an article (N={len(items)} < "
                  "load x seconds): the worker sees them as duplicates", flush=True)
        results["latency"].append(row)


def metadata(args: argparse.Namespace, n: int, servers: str) -> dict:
    settings = run_settings(servers)
    return {"date": datetime.now(UTC).isoformat(timespec="seconds"), "commit": _git_commit(),
            "machine": {"cores": os.cpu_count(), "platform": platform.platform(),
                        "processor": _cpu_model(), "python": platform.python_version()},
            "corpus": str(args.corpus) if args.corpus else "generated", "n": n,
            "external_cluster": bool(os.environ.get("KAFKA_BOOTSTRAP_SERVERS")),
            "partitions": settings.partitions,
            "commit_interval_s": settings.commit_interval_seconds,
            "loads": args.loads, "load_seconds": args.load_seconds, "runs": args.runs,
            "skipped": sorted(args.skip)}


def _git_commit() -> str:
    def git(*argv: str) -> str:
        return subprocess.run(["git", "--no-optional-locks", *argv], cwd=ROOT,  # noqa: S603,S607
                              capture_output=True, text=True, check=True).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _json_safe(value: object) -> object:
    """NaN -> null (JSON has no NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_outputs(results: dict, args: argparse.Namespace) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "suite.json").write_text(json.dumps(_json_safe(results), indent=2) + "\n")
    markdown = render_markdown(results)
    (args.out / "suite.md").write_text(markdown)
    print(markdown)
    problem = plot(results, args.out / "suite.png")
    print(problem or f"wrote {args.out / 'suite.png'}")
    print(f"wrote {args.out / 'suite.json'}, {args.out / 'suite.md'}")
    if args.readme:
        update_readme(args.readme, markdown)
        print(f"updated the bench-suite block of {args.readme}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    articles = bench_articles(args.corpus, args.limit)
    items = [(a.id, a.model_dump_json().encode()) for a in articles]
    payloads = [payload for _, payload in items]
    run_dir = Path(tempfile.mkdtemp(prefix="wirestream-suite-"))
    print(f"{len(items)} articles; run dir {run_dir}", flush=True)
    results: dict = {}
    with bench_broker(run_dir) as servers:
        results["meta"] = metadata(args, len(items), servers)
        throughput(servers, run_dir, payloads, args, results)
        latency(servers, run_dir, items, args, results)
    write_outputs(results, args)


if __name__ == "__main__":
    main()
