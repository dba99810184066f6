"""The pure parts of `bench/bench_suite.py`: quantiles, CPU time from /proc, load pacing.

No Kafka, no processes: unit-tested in tests/unit/test_bench_suite.py.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

QUANTILES = (0.5, 0.95, 0.99)


def quantile(values: Sequence[float], q: float) -> float:
    """The `q`-quantile of `values`, linearly interpolated between the closest ranks (numpy's
    default, Excel's PERCENTILE.INC); NaN for no values."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} outside [0, 1]")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float]) -> dict[str, float | int]:
    """p50/p95/p99, max and count of latencies (seconds)."""
    out: dict[str, float | int] = {f"p{round(q * 100)}": quantile(values, q) for q in QUANTILES}
    out["max"] = max(values) if values else math.nan
    out["n"] = len(values)
    return out


def cpu_ticks(stat_line: str) -> int:
    """utime + stime (fields 14 and 15 of /proc/<pid>/stat, in clock ticks) of one stat line.

    The command name (field 2) is in parentheses and may itself hold spaces or parentheses,
    so fields are counted from the last ')'; the first field after it is field 3 (state).
    """
    rest = stat_line[stat_line.rindex(")") + 1:].split()
    return int(rest[14 - 3]) + int(rest[15 - 3])


def process_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system, every thread) a live process has used; None when gone."""
    try:
        line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return cpu_ticks(line) / os.sysconf("SC_CLK_TCK")


def pacing_schedule(rate: float | None, seconds: float, *, limit: int | None = None
                    ) -> list[float]:
    """When each send is due, in seconds after the first: `rate` per second for `seconds`
    (`int(rate * seconds)` sends, the first at 0), or with `rate` None (saturation) `limit`
    sends all due at once. `limit` also caps a paced schedule."""
    if rate is None:
        if limit is None:
            raise ValueError("saturation needs a limit")
        return [0.0] * limit
    if rate <= 0:
        raise ValueError(f"rate {rate} must be positive")
    count = int(round(rate * seconds, 9))
    if limit is not None:
        count = min(count, limit)
    return [i / rate for i in range(count)]


def rate(count: int, seconds: float) -> float:
    """count / seconds, NaN when the interval is empty."""
    return count / seconds if seconds > 0 else math.nan


def median(values: Sequence[float]) -> float:
    return quantile([v for v in values if not math.isnan(v)], 0.5)


def parse_loads(text: str) -> list[float]:
    """`--loads 10,50,100` -> [10.0, 50.0, 100.0] (sorted, positive, no duplicates)."""
    loads = sorted({float(part) for part in text.split(",") if part.strip()})
    if not loads or loads[0] <= 0:
        raise ValueError(f"loads must be positive numbers, got {text!r}")
    return loads
