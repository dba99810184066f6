"""The stall watchdog: when a commit counts as stalled, what it reports, and the restart in
place (a real process re-executed: same pid, metrics port kept)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from pipeline.adapters.watchdog import Progress, idle_with_work, stalled_commit, where_tasks_wait


def test_a_commit_stalls_only_when_long_and_the_cluster_answers_since_it_began() -> None:
    progress = Progress(commits=[100.0, 130.0], cluster_answered=190.0)
    assert progress.commit_started == 100.0
    assert stalled_commit(progress, now=221.0, stall_seconds=120)
    assert not stalled_commit(progress, now=219.0, stall_seconds=120)  # not long enough
    progress.cluster_answered = 99.0  # a broker outage since before the commit: it waits
    assert not stalled_commit(progress, now=400.0, stall_seconds=120)
    assert not stalled_commit(Progress(cluster_answered=500.0), now=900.0, stall_seconds=120)


def test_idle_with_work_needs_input_waiting_and_a_live_cluster() -> None:
    progress = Progress(last_event=0.0, cluster_answered=200.0, max_lag=5)
    assert idle_with_work(progress, now=210.0, stall_seconds=120)
    progress.max_lag = 0  # the input is drained: idle, not stuck
    assert not idle_with_work(progress, now=210.0, stall_seconds=120)
    progress.max_lag, progress.cluster_answered = 5, 10.0  # the cluster is away
    assert not idle_with_work(progress, now=210.0, stall_seconds=120)


def test_the_report_names_each_waiting_task_and_where_it_waits() -> None:
    async def stuck_send() -> None:
        await asyncio.Event().wait()

    async def stuck_commit() -> None:
        await stuck_send()

    async def main() -> str:
        task = asyncio.create_task(stuck_commit(), name="commit-timer")
        await asyncio.sleep(0)
        report = where_tasks_wait(asyncio.get_running_loop())
        task.cancel()
        return report

    report = asyncio.run(main())
    line = next(line for line in report.splitlines() if "commit-timer" in line)
    frames = [frame.split(" (")[0] for frame in line.split(": ", 1)[1].split(" <- ")]
    assert frames[:3] == ["wait", "stuck_send", "stuck_commit"]  # innermost first


def test_restart_in_place_keeps_the_pid_and_the_metrics_port(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent("""
        import os, sys
        from pipeline.adapters.watchdog import restart_in_place
        print(os.getpid(), os.environ.get("WIRESTREAM_METRICS_PORT"), sys.argv[1:], flush=True)
        if os.environ.get("WIRESTREAM_METRICS_PORT") is None:
            restart_in_place(43210)
    """))
    env = {k: v for k, v in os.environ.items() if k != "WIRESTREAM_METRICS_PORT"}
    out = subprocess.run([sys.executable, str(script), "worker", "--x"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    first, second = out.splitlines()
    assert first.split()[0] == second.split()[0]  # the same process
    assert first.split()[1] == "None" and second.split()[1] == "43210"
    assert first.split(None, 2)[2] == second.split(None, 2)[2] == "['worker', '--x']"
