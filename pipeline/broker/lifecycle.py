"""Start, stop and restart the local broker of a run dir (default ``.wirestream/broker``).

A fresh start formats empty storage and launches ``kafka.Kafka`` in the background; the
broker outlives this process until :func:`stop_broker`. The run dir holds:

    server.properties   rendered from deploy/kafka/server.properties.template
    data/               log.dirs, wiped on every fresh start
    broker.log          the JVM's stdout + stderr
    state.json          {pid, bootstrap_servers, log_file, started_at}
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from pipeline.broker.config import (
    find_free_ports,
    new_cluster_id,
    render_server_properties,
    scram_format_args,
)
from pipeline.broker.errors import BrokerError
from pipeline.broker.jars import fetch_jars
from pipeline.broker.paths import default_run_dir
from pipeline.broker.process import (
    find_java,
    first_error,
    java_cmd,
    kill_group,
    log_tail,
    pid_alive,
    spawn,
    terminate,
)
from pipeline.broker.readiness import wait_ready, wait_until_ready
from pipeline.broker.state import (
    BrokerInfo,
    broker_status,
    locked,
    read_state,
    resolve_bootstrap,
    write_state,
)

log = logging.getLogger(__name__)


def start_broker(
    run_dir: Path | None = None,
    *,
    timeout: float = 90.0,
    sasl_users: Mapping[str, str] | None = None,
) -> BrokerInfo:
    """Start a local single-node broker (or reuse one) and return once groups can join.

    With ``KAFKA_BOOTSTRAP_SERVERS`` set, nothing is started: the external cluster is
    waited for and returned. A broker already running from ``run_dir`` is returned as is.
    Otherwise a fresh broker (empty data dir) is formatted and started in the background;
    it outlives this process until :func:`stop_broker`. With ``sasl_users`` (name →
    password) it also opens a SASL_PLAINTEXT listener accepting those users with PLAIN,
    SCRAM-SHA-256 and SCRAM-SHA-512.
    """
    external = resolve_bootstrap(run_dir)
    if external is not None and external.external:
        wait_until_ready(external.bootstrap_servers, timeout)
        return external
    run_dir = (run_dir or default_run_dir()).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    with locked(run_dir):
        running = broker_status(run_dir)
        return running if running is not None else _start_new(run_dir, timeout, sasl_users)


def _start_new(run_dir: Path, timeout: float, sasl_users: Mapping[str, str] | None) -> BrokerInfo:
    java = find_java()  # check before a possibly slow jar download
    lib_dir = fetch_jars()
    data_dir = run_dir / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    port, controller_port, sasl_port = find_free_ports(3)
    if sasl_users is None:
        sasl_port = None
    props = run_dir / "server.properties"
    props.write_text(render_server_properties(port, controller_port, data_dir,
                                              sasl_port=sasl_port, sasl_users=sasl_users),
                     encoding="utf-8")
    cmd = java_cmd(java, lib_dir)

    t0 = time.monotonic()
    deadline = t0 + timeout  # covers format + JVM start + readiness
    fmt = subprocess.run(  # noqa: S603
        [*cmd, "kafka.tools.StorageTool", "format", "-t", new_cluster_id(), "-c", str(props),
         *scram_format_args(sasl_users or {})],
        capture_output=True, text=True, timeout=120, check=False,
    )
    if fmt.returncode != 0:
        raise BrokerError(f"Formatting Kafka storage failed:\n{fmt.stdout}{fmt.stderr}")
    return _launch(run_dir, cmd, f"127.0.0.1:{port}",
                   f"127.0.0.1:{sasl_port}" if sasl_port else None, timeout, t0, deadline, "wb")


def _launch(run_dir: Path, cmd: list[str], bootstrap: str, sasl_bootstrap: str | None,
            timeout: float, t0: float, deadline: float, log_mode: str) -> BrokerInfo:
    """Start ``kafka.Kafka`` on the run dir's server.properties and wait until it is ready."""
    props, log_file = run_dir / "server.properties", run_dir / "broker.log"
    proc = spawn([*cmd, "kafka.Kafka", str(props)], cwd=run_dir, log_file=log_file,
                 log_mode=log_mode)
    info = BrokerInfo(bootstrap, proc.pid, log_file, external=False,
                      sasl_bootstrap_servers=sasl_bootstrap)
    write_state(run_dir, info)
    try:
        wait_ready(info.bootstrap_servers, timeout, lambda: proc.poll() is None, deadline)
    except BaseException as exc:  # also Ctrl-C: never leave a half-started broker behind
        terminate(proc.pid, 10.0)
        (run_dir / "state.json").unlink(missing_ok=True)
        if not isinstance(exc, BrokerError):
            raise
        raise BrokerError(
            f"Kafka broker failed to start: {exc} (exit code {proc.returncode}).\n"
            f"{first_error(log_file)}Last lines of {log_file}:\n{log_tail(log_file)}"
        ) from exc
    log.info("Kafka broker ready at %s (pid %s) in %.1fs", info.bootstrap_servers, proc.pid,
             time.monotonic() - t0)
    return info


def stop_broker(run_dir: Path | None = None, *, timeout: float = 30.0) -> bool:
    """Stop the broker recorded in ``run_dir``; True if one was running and is now gone.

    SIGTERM (clean shutdown) first, SIGKILL after ``timeout`` seconds. Never touches an
    external (``KAFKA_BOOTSTRAP_SERVERS``) cluster.
    """
    run_dir = run_dir or default_run_dir()
    if read_state(run_dir) is None:
        return False
    with locked(run_dir):
        state = read_state(run_dir)  # re-read: someone may have stopped it meanwhile
        if state is None:
            return False
        pid: int = state["pid"]
        stopped = False
        if pid_alive(pid):
            log.info("Stopping Kafka broker pid %s", pid)
            terminate(pid, timeout)
            stopped = True
        (run_dir / "state.json").unlink(missing_ok=True)
        return stopped


def restart_broker(run_dir: Path, *, down_seconds: float = 0.0, kill: bool = False,
                   timeout: float = 90.0) -> BrokerInfo:
    """Stop the broker of ``run_dir`` and start it again: same ports, same data (no format).

    What a broker restart looks like to clients. ``kill`` uses SIGKILL instead of a clean
    shutdown; ``down_seconds`` keeps it down that long before starting it again.
    """
    run_dir = run_dir.resolve()
    state = read_state(run_dir)
    if state is None:
        raise BrokerError(f"no broker recorded in {run_dir}")
    with locked(run_dir):
        pid: int = state["pid"]
        if pid_alive(pid):
            if kill:
                kill_group(pid)
            else:
                terminate(pid, 30.0)
        time.sleep(down_seconds)
        t0 = time.monotonic()
        return _launch(run_dir, java_cmd(find_java(), fetch_jars()), state["bootstrap_servers"],
                       state.get("sasl_bootstrap_servers"), timeout, t0, t0 + timeout, "ab")
