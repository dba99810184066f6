"""Worker processes as the tests and benchmarks drive them: kill, memory, metric samples."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from pipeline.cli import launcher


class WorkerProcess(launcher.WorkerProcess):
    """The demo's worker launcher plus what fault tests and benchmarks need."""

    def sample(self, name: str, **labels: str) -> float | None:
        """One sample of the current /metrics (`name` as exposed, e.g. `..._total`)."""
        return metric_sample(self.metrics() or "", name, **labels)

    def kill(self) -> None:
        """SIGKILL, no goodbye: what a crash looks like to Kafka."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def rss_mib(self, field: str = "VmRSS") -> float | None:
        """Resident memory of the worker (Linux /proc; `VmHWM` = its peak so far)."""
        return None if self.proc is None else rss_mib(self.proc.pid, field)


def rss_mib(pid: int, field: str = "VmRSS") -> float | None:
    """Resident memory of a process in MiB (Linux /proc; `VmHWM` = its peak so far)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def stop_group(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGTERM to a child's process group, SIGKILL if it has not gone after `timeout`."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def metric_sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample `name{labels}` in Prometheus text `text`, or None."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None
