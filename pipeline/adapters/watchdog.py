"""A worker whose commit never returns restarts itself in place.

Kafka clients can wedge. Once in CI, after a broker SIGKILL, a worker stopped processing for
good: every stage at once, which is what a commit that never returns does, since it holds
the processing gate (`pipeline/adapters/transactions.py`). The watchdog notes when the
current commit began; one still running after `stall_seconds` while the cluster answers
(the lag probe's plain client polled it successfully since the commit began, so this is
not a broker outage, where commits rightly wait) is a stall. The watchdog then logs where
every task waits and re-executes the worker process: same pid, arguments and metrics port.
The new process re-joins the group, fences its own unfinished transactions and resumes from
the committed offsets, exactly as after a crash.

A worker that has processed nothing for `stall_seconds` while its input partitions have
records waiting gets the same log of where its tasks wait (once), without the restart: lag
alone is not proof (it is the whole group's, and another worker may own those partitions).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
import traceback
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
# The Faust worker changes into its data dir; the restarted command runs where this one began.
_START_DIR = os.getcwd()


@dataclass
class Progress:
    """What the watchdog reads; the worker's loops and timers write it (monotonic times)."""

    commits: list[float] = field(default_factory=list)  # start times of commits in flight
    last_event: float = field(default_factory=time.monotonic)
    cluster_answered: float = 0.0  # the lag probe's last successful poll
    max_lag: int = 0  # the largest `articles.raw` partition lag that poll found

    @property
    def commit_started(self) -> float | None:
        return min(self.commits, default=None)


def stalled_commit(progress: Progress, now: float, stall_seconds: float) -> bool:
    started = progress.commit_started
    return (started is not None and now - started > stall_seconds
            and progress.cluster_answered > started)


def idle_with_work(progress: Progress, now: float, stall_seconds: float) -> bool:
    return (progress.max_lag > 0 and now - progress.last_event > stall_seconds
            and now - progress.cluster_answered < stall_seconds)


def where_tasks_wait(loop: asyncio.AbstractEventLoop, depth: int = 4) -> str:
    """One line per task and thread: the innermost frames it waits in, innermost first."""
    lines = []
    for task in asyncio.all_tasks(loop):
        where = " <- ".join(reversed(_await_chain(task.get_coro())[-depth:]))
        lines.append(f"  {task.get_name()}: {where or 'not started'}")
    lines.sort()
    for thread_id, frame in sys._current_frames().items():
        inner = traceback.extract_stack(frame)[-depth:]
        lines.append(f"  thread {thread_id}: " + " <- ".join(
            f"{f.name} ({os.path.basename(f.filename)}:{f.lineno})" for f in reversed(inner)))
    return "\n".join(lines)


def _await_chain(awaitable: object) -> list[str]:
    # A suspended task shows only its own frame (Task.get_stack); what it waits in is down
    # the chain of coroutines (and async generators) each one awaits.
    chain = []
    while awaitable is not None:
        frame = next((f for attr in ("cr_frame", "ag_frame", "gi_frame")
                      if (f := getattr(awaitable, attr, None)) is not None), None)
        if frame is not None:
            chain.append(f"{frame.f_code.co_name} "
                         f"({os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno})")
        awaitable = next((a for attr in ("cr_await", "ag_await", "gi_yieldfrom")
                          if (a := getattr(awaitable, attr, None)) is not None), None)
    return chain


def restart_in_place(metrics_port: int) -> None:
    """Replace this process by a fresh run of the same command (pid and port kept)."""
    os.environ["WIRESTREAM_METRICS_PORT"] = str(metrics_port)  # 0 would pick another
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(_START_DIR)
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])  # noqa: S606 - our own argv


class Watchdog:
    """Checked on a timer of the worker (`check`)."""

    def __init__(self, progress: Progress, stall_seconds: float, metrics_port: int) -> None:
        self.progress = progress
        self.stall_seconds = stall_seconds
        self.metrics_port = metrics_port
        self._reported_idle = False

    def check(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.stall_seconds <= 0:
            return
        now = time.monotonic()
        if stalled_commit(self.progress, now, self.stall_seconds):
            started = self.progress.commit_started or now
            log.error("worker stalled: a commit has not returned for %.0fs while the cluster "
                      "answers; restarting the worker process in place. Tasks:\n%s",
                      now - started, where_tasks_wait(loop))
            restart_in_place(self.metrics_port)
        if idle_with_work(self.progress, now, self.stall_seconds):
            if not self._reported_idle:
                log.warning("nothing processed for %.0fs while a partition lags by %d; "
                            "tasks:\n%s", now - self.progress.last_event,
                            self.progress.max_lag, where_tasks_wait(loop))
            self._reported_idle = True
        else:
            self._reported_idle = False
