"""The pure parts of bench/bench_suite.py: quantiles, /proc CPU time, pacing, the markdown
table and the README block it replaces (no broker, no processes)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from bench.suite_report import END, START, render_markdown, replace_block, update_readme
from bench.suite_stats import (
    cpu_ticks,
    pacing_schedule,
    parse_loads,
    process_cpu_seconds,
    quantile,
    summary,
)


def test_quantiles_interpolate_between_ranks():
    values = [4.0, 1.0, 3.0, 2.0, 5.0]
    assert quantile(values, 0.5) == 3.0
    assert quantile(values, 0.0) == 1.0 and quantile(values, 1.0) == 5.0
    assert quantile(values, 0.95) == pytest.approx(4.8)
    assert quantile(list(range(1, 101)), 0.99) == pytest.approx(99.01)
    assert quantile([7.0], 0.99) == 7.0
    assert math.isnan(quantile([], 0.5))
    with pytest.raises(ValueError):
        quantile(values, 1.5)


def test_summary_counts_and_names_the_quantiles():
    stats = summary([0.1, 0.2, 0.3])
    assert stats["p50"] == pytest.approx(0.2) and stats["max"] == 0.3 and stats["n"] == 3
    assert set(stats) == {"p50", "p95", "p99", "max", "n"}
    assert math.isnan(summary([])["p99"]) and summary([])["n"] == 0


def test_cpu_ticks_are_utime_plus_stime_even_with_a_strange_command_name():
    fields = ["S", "1", "2", "3", "0", "-1", "4194560", "10", "0", "0", "0", "1234", "56",
              "7", "8", "20", "0", "9"]  # field 3 (state) .. 20; utime=1234, stime=56
    assert cpu_ticks("4242 (python) " + " ".join(fields)) == 1290
    assert cpu_ticks("4242 (a (b) c) " + " ".join(fields)) == 1290  # ')' inside the name


def test_cpu_seconds_of_this_process_are_read_from_proc():
    if not Path(f"/proc/{os.getpid()}/stat").exists():
        pytest.skip("no /proc")
    seconds = process_cpu_seconds(os.getpid())
    assert seconds is not None and seconds > 0
    assert process_cpu_seconds(2**22 + 12345) is None  # above pid_max: no such process


def test_pacing_schedule_spaces_sends_by_the_rate():
    assert pacing_schedule(10, 0.5) == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert len(pacing_schedule(50, 20)) == 1000
    assert len(pacing_schedule(0.5, 4)) == 2
    assert len(pacing_schedule(100, 20, limit=300)) == 300
    assert pacing_schedule(None, 20, limit=3) == [0.0, 0.0, 0.0]  # saturation: all at once
    with pytest.raises(ValueError):
        pacing_schedule(None, 20)
    with pytest.raises(ValueError):
        pacing_schedule(0, 20)


def test_loads_parse_sorted_and_positive():
    assert parse_loads("100,10, 50") == [10.0, 50.0, 100.0]
    with pytest.raises(ValueError):
        parse_loads("0,10")


RESULTS = {
    "meta": {"date": "2025-01-01T00:00:00+00:00", "commit": "abc1234", "n": 2000,
             "corpus": "generated", "machine": {"cores": 2, "platform": "Linux"},
             "partitions": 4, "commit_interval_s": 2.8},
    "ceiling": {"at_least_once": {"records_per_s": 1500.0, "rss_mib": 70.2,
                                  "cpu_s_per_record": 0.0004},
                "exactly_once": {"records_per_s": 400.0, "rss_mib": 72.0,
                                 "cpu_s_per_record": 0.001}},
    "pipeline": {"exactly_once_x2": {"guarantee": "exactly_once", "workers": 2,
                                     "articles_per_s": 40.0, "rss_mib": [610.0, 598.4],
                                     "cpu_s_per_article": 0.045},
                 "exactly_once_x1_near_free": {
                     "guarantee": "exactly_once", "workers": 1, "articles_per_s": 120.0,
                     "rss_mib": [150.0], "cpu_s_per_article": 0.006,
                     "extractor": "bench.fixed_extractor:extract_events"}},
    "latency": [
        {"guarantee": "exactly_once", "offered_per_s": 10.0, "n": 200, "achieved_per_s": 10.0,
         "throughput_per_s": 9.5, "outcome_s": {"p50": 1.5, "p95": 2.9, "p99": 3.1},
         "event_s": {"p50": 1.6, "p95": 3.0, "p99": math.nan}},
        {"guarantee": "exactly_once", "offered_per_s": None, "workers": 2, "n": 2000,
         "achieved_per_s": 900.0, "throughput_per_s": 41.0,
         "outcome_s": {"p50": 20.0, "p95": 40.0, "p99": 45.0},
         "event_s": {"p50": 21.0, "p95": 41.0, "p99": 46.0}},
    ],
}


def test_markdown_tables_hold_every_figure():
    text = render_markdown(RESULTS)
    lines = text.splitlines()
    assert "commit abc1234: 2000 articles (generated), 2 cores" in lines[0]
    assert "| Faust pass-through (ceiling) | at-least-once | 1 | 1,500 | 100% | 70 | 0.40 |" \
        in lines
    assert "| Pipeline | exactly-once | 2 | 40.0 | 10.0% | 610 / 598 | 45.0 |" in lines
    assert "| Pipeline, near-free extractor | exactly-once | 1 | 120.0 | 30.0% | 150 | 6.0 |" \
        in lines
    # a row of a run before the latency runs had a worker count ran one worker
    assert "| 10 | exactly-once | 1 | 10.0 | 9.5 | 1,500 / 2,900 / 3,100 | 1,600 / 3,000 / — |" \
        in lines
    assert any(line.startswith("| saturation (2000) | exactly-once | 2 | 900.0 | 41.0 |")
               for line in lines)
    tables = [line for line in lines if line.startswith("|---")]
    assert len(tables) == 2


def test_markdown_without_sections_has_only_the_context_line():
    assert render_markdown({"meta": {}}).count("\n") == 1


def test_readme_block_is_replaced_between_the_markers(tmp_path: Path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{START}\nold table\nold line\n{END}\nafter\n")
    update_readme(readme, "| new | table |")
    assert readme.read_text() == f"# Title\n\nbefore\n{START}\n| new | table |\n{END}\nafter\n"
    update_readme(readme, "second\n")  # idempotent shape: run after run
    assert readme.read_text() == f"# Title\n\nbefore\n{START}\nsecond\n{END}\nafter\n"


@pytest.mark.parametrize("text", ["no markers\n", f"{START}\nonly start\n",
                                  f"{END}\n{START}\n", f"{START}\n{END}\n{START}\n{END}\n"])
def test_readme_block_needs_one_start_then_one_end(text: str):
    with pytest.raises(ValueError):
        replace_block(text, "x")
