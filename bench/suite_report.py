"""What `bench/bench_suite.py` writes: the markdown table, the README block, the PNG.

Pure but for `plot` (matplotlib, imported only there and optional): unit-tested in
tests/unit/test_bench_suite.py.
"""

from __future__ import annotations

import math
from pathlib import Path

START = "<!-- bench-suite:start -->"
END = "<!-- bench-suite:end -->"
GUARANTEE = {"at_least_once": "at-least-once", "exactly_once": "exactly-once"}
SHORT = {"at_least_once": "ALOS", "exactly_once": "EOS"}


def fmt(value: float | None, digits: int = 0) -> str:
    """A number for a table cell; '—' for a missing or NaN one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}"


def _ms(stats: dict) -> str:
    return " / ".join(fmt(None if stats.get(p) is None else stats[p] * 1000)
                      for p in ("p50", "p95", "p99"))


def throughput_rows(results: dict) -> list[list[str]]:
    """One row per throughput scenario: ceiling first, then the pipeline."""
    rows = []
    ceiling = results.get("ceiling", {})
    for guarantee, r in ceiling.items():
        rows.append(["Faust pass-through (ceiling)", GUARANTEE[guarantee], "1",
                     fmt(r["records_per_s"]), "100%", fmt(r.get("rss_mib")),
                     fmt(r["cpu_s_per_record"] * 1000, 2)])
    for r in results.get("pipeline", {}).values():
        top = ceiling.get(r["guarantee"], {}).get("records_per_s")
        share = f"{r['articles_per_s'] / top:.1%}" if top else "—"
        rss = " / ".join(fmt(m) for m in r["rss_mib"])
        rows.append([_pipeline_name(r.get("extractor")), GUARANTEE[r["guarantee"]],
                     str(r["workers"]),
                     fmt(r["articles_per_s"], 1), share, rss,
                     fmt(r["cpu_s_per_article"] * 1000, 1)])
    return rows


# What the report calls the extractors the suite runs.
NEAR_FREE = "bench.fixed_extractor:extract_events"
EXTRACTORS = {"pipeline.steps.clauses.extract:extract_events": "clause engine",
              "pipeline.steps.extraction.extract:extract_events": "lexical engine",
              NEAR_FREE: "near-free extractor"}


def _pipeline_name(extractor: str | None) -> str:
    if extractor is None:
        return "Pipeline"
    return f"Pipeline, {EXTRACTORS.get(extractor, extractor)}"


def latency_rows(results: dict) -> list[list[str]]:
    rows = []
    for r in results.get("latency", []):
        offered = fmt(r["offered_per_s"], 0) if r["offered_per_s"] else f"saturation ({r['n']})"
        rows.append([offered, GUARANTEE[r["guarantee"]], str(r.get("workers", 1)),
                     fmt(r["achieved_per_s"], 1),
                     fmt(r["throughput_per_s"], 1), _ms(r["outcome_s"]), _ms(r["event_s"])])
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(results: dict) -> str:
    """The suite's figures as markdown: a context line, the throughput and latency tables."""
    meta = results.get("meta", {})
    machine = meta.get("machine", {})
    parts = [f"`bench/bench_suite.py`, {meta.get('date', '?')}, commit "
             f"{meta.get('commit', '?')}: {meta.get('n', '?')} articles "
             f"({meta.get('corpus', '?')}), {machine.get('cores', '?')} cores "
             f"({machine.get('platform', '?')}), {meta.get('partitions', '?')} partitions, "
             f"commit interval {meta.get('commit_interval_s', '?')} s."]
    rows = throughput_rows(results)
    if rows:
        parts.append(table(["Scenario", "Guarantee", "Workers", "Records/s", "Of ceiling",
                            "Peak RSS per worker (MiB)", "CPU ms/record"], rows))
    rows = latency_rows(results)
    if rows:
        parts.append(table(["Offered (articles/s)", "Guarantee", "Workers", "Achieved (/s)",
                            "Through (/s)", "Publish→outcome p50 / p95 / p99 (ms)",
                            "Publish→first event p50 / p95 / p99 (ms)"], rows))
    return "\n\n".join(parts) + "\n"


def replace_block(text: str, block: str) -> str:
    """`text` with the lines between the START and END marker lines replaced by `block`
    (markers kept). ValueError unless each marker is there once, START first."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == START]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise ValueError(f"need exactly one {START} line followed by one {END} line")
    body = block if block.endswith("\n") else block + "\n"
    return "".join(lines[:starts[0] + 1]) + body + "".join(lines[ends[0]:])


def update_readme(path: Path, block: str) -> None:
    path.write_text(replace_block(path.read_text(encoding="utf-8"), block), encoding="utf-8")


def bar_series(results: dict) -> list[tuple[str, float]]:
    """(label, records/s) of the throughput bars, in the order they are drawn."""
    bars = [(f"ceiling\n{SHORT[g]}", r["records_per_s"])
            for g, r in results.get("ceiling", {}).items()]
    bars += [(f"pipeline\n{SHORT[r['guarantee']]}" + (f"×{r['workers']}" if r["workers"] > 1
                                                       else "")
              + ("\nnear-free" if r.get("extractor") == NEAR_FREE else ""), r["articles_per_s"])
             for r in results.get("pipeline", {}).values()]
    return bars


def plot(results: dict, path: Path) -> str | None:
    """Draw the PNG; None, or why it was not drawn (matplotlib missing)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install matplotlib): no PNG"
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    bars = bar_series(results)
    if bars:
        drawn = left.bar([b[0] for b in bars], [b[1] for b in bars],
                         color=["#7f7f7f"] * (len(bars) - len(results.get("pipeline", {})))
                         + ["#1f77b4"] * len(results.get("pipeline", {})))
        left.bar_label(drawn, labels=[fmt(b[1], 1) for b in bars], fontsize=8)
        left.set_yscale("log")
    left.set_ylabel("records / s (log)")
    left.set_title("Throughput")
    _latency_panel(right, results.get("latency", []))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return None


def _latency_panel(ax: object, rows: list[dict]) -> None:
    """Publish→outcome p50/p95/p99 (solid) and →first event (dashed) per offered load;
    exactly-once joined by lines, at-least-once as open markers beside its load."""
    labels = sorted({r["offered_per_s"] or math.inf for r in rows})
    x_of = {load: i for i, load in enumerate(labels)}
    for guarantee, style in (("exactly_once", {}), ("at_least_once",
                                                    {"mfc": "none", "linestyle": ""})):
        mine = sorted((r for r in rows if r["guarantee"] == guarantee),
                      key=lambda r: r["offered_per_s"] or math.inf)
        if not mine:
            continue
        shift = 0.0 if guarantee == "exactly_once" else 0.08
        xs = [x_of[r["offered_per_s"] or math.inf] + shift for r in mine]
        for p, color in (("p50", "#2ca02c"), ("p95", "#ff7f0e"), ("p99", "#d62728")):
            for kind, dash in (("outcome_s", "-"), ("event_s", "--")):
                ys = [(r[kind].get(p) or math.nan) * 1000 for r in mine]
                ax.plot(xs, ys, marker="o", color=color, **({"linestyle": dash} | style),
                        label=f"{SHORT[guarantee]} {p} {kind.split('_')[0]}")
    ax.set_xticks(range(len(labels)),
                  [f"{load:g}/s" if load != math.inf else "saturation" for load in labels])
    ax.set_yscale("log")
    ax.set_xlabel("offered load (articles/s)")
    ax.set_ylabel("latency from publish (ms, log)")
    ax.set_title("Latency: outcome (solid), first event (dashed)")
    ax.legend(fontsize=6, ncol=2, loc="best", framealpha=0.6)
