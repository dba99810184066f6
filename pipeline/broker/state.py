"""What a run dir records about its broker, and finding a broker from it.

A broker's run dir holds ``state.json`` ({pid, bootstrap_servers, log_file,
sasl_bootstrap_servers, started_at}), written when it starts and removed when it stops,
and a ``.lock`` file that serialises start/stop on the run dir.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.broker.paths import default_run_dir
from pipeline.broker.process import pid_alive

BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS"


@dataclass(frozen=True)
class BrokerInfo:
    """Where a broker is and whether we own it."""

    bootstrap_servers: str  # "127.0.0.1:PORT"
    pid: int | None  # None when external
    log_file: Path | None
    external: bool  # True when KAFKA_BOOTSTRAP_SERVERS was used
    sasl_bootstrap_servers: str | None = None  # SASL_PLAINTEXT listener, when started with users


@contextlib.contextmanager
def locked(run_dir: Path) -> Iterator[None]:
    """Serialise start/stop on one run dir across processes (e.g. pytest-xdist workers):
    without it two starters would both wipe ``data/`` and launch a broker."""
    with (run_dir / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_state(run_dir: Path) -> dict[str, Any] | None:
    """The run dir's ``state.json``, or None if it is missing, unreadable or has no pid."""
    try:
        data = json.loads((run_dir / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None


def write_state(run_dir: Path, info: BrokerInfo) -> None:
    """Record ``info`` (and the start time) as the run dir's ``state.json``."""
    state = {
        "pid": info.pid,
        "bootstrap_servers": info.bootstrap_servers,
        "log_file": str(info.log_file),
        "sasl_bootstrap_servers": info.sasl_bootstrap_servers,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    tmp = run_dir / "state.json.tmp"
    tmp.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    tmp.replace(run_dir / "state.json")  # atomic: readers never see half a file


def broker_status(run_dir: Path | None = None) -> BrokerInfo | None:
    """Return the broker recorded in ``run_dir`` if its process is alive, else None."""
    state = read_state(run_dir or default_run_dir())
    if state is None:
        return None
    pid: int = state["pid"]
    if not pid_alive(pid):
        return None
    log_file = state.get("log_file")
    return BrokerInfo(
        bootstrap_servers=str(state["bootstrap_servers"]),
        pid=pid,
        log_file=Path(log_file) if log_file else None,
        external=False,
        sasl_bootstrap_servers=state.get("sasl_bootstrap_servers"),
    )


def resolve_bootstrap(run_dir: Path | None = None) -> BrokerInfo | None:
    """Find a broker: ``KAFKA_BOOTSTRAP_SERVERS`` wins, then a running local broker, else None."""
    external = os.environ.get(BOOTSTRAP_ENV, "").strip()
    if external:
        return BrokerInfo(bootstrap_servers=external, pid=None, log_file=None, external=True)
    return broker_status(run_dir)
