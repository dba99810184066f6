"""Start, stop and find a real single-node Apache Kafka broker for local work and tests.

There is no Docker here, so the broker runs straight from the Kafka jars, which Maven
fetches once (``deploy/kafka/pom.xml``) into ``.wirestream/kafka-libs-<version>``.
The broker runs in KRaft combined mode (broker + controller in one JVM) on two free
loopback ports; its state lives in a run dir (default ``.wirestream/broker``):

    server.properties   rendered from deploy/kafka/server.properties.template
    data/               log.dirs, wiped on every fresh start
    broker.log          the JVM's stdout + stderr
    state.json          {pid, bootstrap_servers, log_file, started_at}

``KAFKA_BOOTSTRAP_SERVERS`` in the environment points everything at an external
cluster instead; then nothing is started.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import KafkaError

log = logging.getLogger(__name__)

BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS"
JAVA_MIN_MAJOR = 17
JVM_HEAP = ["-Xmx1G", "-Xms1G"]
_MARKER = ".complete"
_LOG_TAIL_LINES = 30

# Popen objects of brokers this interpreter started, by pid. Keeping them lets us
# reap our own children (no zombies) and stops Popen.__del__ warning about them.
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class BrokerInfo:
    """Where a broker is and whether we own it."""

    bootstrap_servers: str  # "127.0.0.1:PORT"
    pid: int | None  # None when external
    log_file: Path | None
    external: bool  # True when KAFKA_BOOTSTRAP_SERVERS was used
    sasl_bootstrap_servers: str | None = None  # SASL_PLAINTEXT listener, when started with users


class BrokerError(RuntimeError):
    """The local broker could not be set up, started, reached or stopped."""


# --------------------------------------------------------------------------- paths


def project_root() -> Path:
    """Return the directory holding ``pyproject.toml``, walking up from this file."""
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if (candidate / "pyproject.toml").is_file() and (candidate / "deploy").is_dir():
                return candidate
    raise BrokerError(
        "Cannot find the Wirestream project root (a directory with pyproject.toml and "
        "deploy/); run from a source checkout."
    )


def default_run_dir() -> Path:
    """Return ``<project>/.wirestream/broker`` (git-ignored)."""
    return project_root() / ".wirestream" / "broker"


def _deploy_dir() -> Path:
    return project_root() / "deploy" / "kafka"


def kafka_version() -> str:
    """Return the Kafka version pinned in ``deploy/kafka/pom.xml`` (single source of truth)."""
    pom = (_deploy_dir() / "pom.xml").read_text(encoding="utf-8")
    match = re.search(r"<kafka\.version>\s*([^<\s]+)\s*</kafka\.version>", pom)
    if not match:
        raise BrokerError(f"No <kafka.version> property in {_deploy_dir() / 'pom.xml'}")
    return match.group(1)


# ---------------------------------------------------------------------------- jars


def _jars_cached(lib_dir: Path, pom_digest: str) -> bool:
    marker = lib_dir / _MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == pom_digest


def fetch_jars(cache_dir: Path | None = None) -> Path:
    """Download the broker jars with Maven once and return the directory holding them.

    The default cache is ``<project>/.wirestream/kafka-libs-<version>``. A marker file
    (holding the pom's hash) is written only after a complete download, so an interrupted
    or outdated download is redone; a cached one returns immediately.
    """
    pom = _deploy_dir() / "pom.xml"
    lib_dir = cache_dir or project_root() / ".wirestream" / f"kafka-libs-{kafka_version()}"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if _jars_cached(lib_dir, digest):
        return lib_dir

    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError(
            "Maven is required to fetch the Kafka jars once: apt-get install maven "
            "(or put the jars in place yourself and set a cache dir)"
        )
    # Download next to the target and rename at the end: a concurrent fetch or a
    # Ctrl-C never leaves a half-filled lib dir behind a marker.
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = lib_dir.with_name(f"{lib_dir.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    log.info("Fetching Kafka jars with Maven into %s (one-off)", lib_dir)
    cmd = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
           f"-DoutputDirectory={staging}"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    except subprocess.TimeoutExpired as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BrokerError(
            "Maven timed out fetching the Kafka jars (is Maven Central reachable?)"
        ) from exc
    if proc.returncode != 0 or not any(staging.glob("kafka_*.jar")):
        shutil.rmtree(staging, ignore_errors=True)
        out = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-_LOG_TAIL_LINES:])
        raise BrokerError(f"Maven failed to fetch the Kafka jars (exit {proc.returncode}):\n{out}")
    (staging / _MARKER).write_text(digest + "\n", encoding="utf-8")
    if _jars_cached(lib_dir, digest):  # another process won the race
        shutil.rmtree(staging, ignore_errors=True)
    else:
        shutil.rmtree(lib_dir, ignore_errors=True)
        staging.rename(lib_dir)
    return lib_dir


# -------------------------------------------------------------------------- config


def find_free_ports(count: int = 2) -> list[int]:
    """Return ``count`` distinct free TCP ports on 127.0.0.1 (bind to port 0).

    All sockets stay open until every port is chosen so the OS can't hand one out twice.
    """
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def render_server_properties(
    port: int,
    controller_port: int,
    log_dirs: Path,
    *,
    sasl_port: int | None = None,
    sasl_users: Mapping[str, str] | None = None,
) -> str:
    """Render ``deploy/kafka/server.properties.template`` for one node.

    With ``sasl_port`` the broker also listens for SASL_PLAINTEXT clients (PLAIN and
    SCRAM-SHA-256/512; ``deploy/kafka/sasl.properties.template``); PLAIN users come from
    ``sasl_users``, SCRAM users are added when storage is formatted.
    """
    template = Template((_deploy_dir() / "server.properties.template").read_text(encoding="utf-8"))
    sasl = {"SASL_LISTENER": "", "SASL_PROTOCOL": ""}
    if sasl_port is not None:
        sasl = {"SASL_LISTENER": f",SASL_PLAINTEXT://127.0.0.1:{sasl_port}",
                "SASL_PROTOCOL": ",SASL_PLAINTEXT:SASL_PLAINTEXT"}
    text = template.substitute(PORT=port, CONTROLLER_PORT=controller_port, LOG_DIRS=log_dirs,
                               **sasl)
    if sasl_port is None:
        return text
    plain_users = " ".join(f'user_{name}="{pw}"' for name, pw in (sasl_users or {}).items())
    extra = Template((_deploy_dir() / "sasl.properties.template").read_text(encoding="utf-8"))
    return text + extra.substitute(PLAIN_USERS=plain_users)


def scram_format_args(sasl_users: Mapping[str, str]) -> list[str]:
    """StorageTool arguments that create SCRAM credentials for every user (KRaft bootstrap)."""
    args = []
    for name, password in sasl_users.items():
        for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512"):
            args += ["--add-scram", f"{mechanism}=[name={name},password={password}]"]
    return args


def _new_cluster_id() -> str:
    # Kafka cluster ids are 16 random bytes, base64url without padding. Like Kafka's own
    # Uuid.randomUuid, avoid a leading '-' that the CLI would parse as an option.
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid


# ---------------------------------------------------------------------------- java


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise BrokerError(
            "Java 17+ is required: install openjdk-17-jre-headless (Debian/Ubuntu) or Temurin 17"
        )
    proc = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)  # noqa: S603
    match = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if not match:
        raise BrokerError(f"Cannot tell the Java version from `{java} -version`: {proc.stderr!r}")
    major = int(match.group(1))
    if major == 1:  # "1.8.0_x" style
        major = int(match.group(2) or 0)
    if major < JAVA_MIN_MAJOR:
        raise BrokerError(
            f"Java {JAVA_MIN_MAJOR}+ is required, found Java {major} at {java}: install "
            "openjdk-17-jre-headless (Debian/Ubuntu) or Temurin 17"
        )
    return java


def _java_cmd(java: str, lib_dir: Path) -> list[str]:
    log4j = _deploy_dir() / "log4j2.properties"
    return [java, *JVM_HEAP, "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={log4j}",
            "-cp", f"{lib_dir}/*"]


# ------------------------------------------------------------------------ processes


def _pid_alive(pid: int) -> bool:
    """True if ``pid`` runs (not a zombie) and, where /proc exists, is a Kafka broker."""
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        # Reap it if it is our child (started by another Popen in this process).
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # Guard against a recycled pid in a stale state.json.
    proc = Path(f"/proc/{pid}")
    if proc.is_dir():
        try:
            if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return False
            return b"kafka.Kafka" in (proc / "cmdline").read_bytes()
        except (OSError, IndexError):
            return False
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # The broker is a session leader (start_new_session), so its pgid is its pid.
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _wait_exit(pid: int, timeout: float) -> bool:
    child = _children.get(pid)
    if child is not None:
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        _children.pop(pid, None)
        return True
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM the broker's process group, then SIGKILL it after ``timeout``."""
    _signal_group(pid, signal.SIGTERM)
    if not _wait_exit(pid, timeout):
        log.warning("Broker pid %s ignored SIGTERM for %.0fs; sending SIGKILL", pid, timeout)
        _signal_group(pid, signal.SIGKILL)
        if not _wait_exit(pid, 10.0):
            raise BrokerError(f"Broker pid {pid} did not exit even after SIGKILL")
    _children.pop(pid, None)


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return "".join(deque(fh, maxlen=lines))
    except OSError:
        return "(no log)"


def _first_error(path: Path) -> str:
    # The real cause (e.g. "Address already in use") tends to scroll out of the tail
    # behind the shutdown chatter, so quote the first ERROR and the line after it.
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    for i, line in enumerate(lines):
        if " ERROR " in line or " FATAL " in line:
            return "First error in the log:\n" + "\n".join(lines[i : i + 2]) + "\n"
    return ""


# ---------------------------------------------------------------------------- state


@contextlib.contextmanager
def _locked(run_dir: Path) -> Iterator[None]:
    """Serialise start/stop on one run dir across processes (e.g. pytest-xdist workers):
    without it two starters would both wipe ``data/`` and launch a broker."""
    with (run_dir / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_state(run_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((run_dir / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None


def _write_state(run_dir: Path, info: BrokerInfo) -> None:
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
    state = _read_state(run_dir or default_run_dir())
    if state is None:
        return None
    pid: int = state["pid"]
    if not _pid_alive(pid):
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


# ------------------------------------------------------------------------ readiness


def _port_open(bootstrap_servers: str) -> bool:
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        with contextlib.suppress(OSError, ValueError):
            socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), 0.5).close()
            return True
    return False


def _group_joins(bootstrap_servers: str, budget_s: float, alive: Callable[[], bool]) -> bool:
    """One probe: can a fresh consumer group join within ``budget_s``?

    The group subscribes to ``__consumer_offsets`` because that topic always exists once
    the group coordinator does, so an assignment proves JoinGroup + SyncGroup worked
    without creating any topic of our own.
    """
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        client_id="wirestream-readiness",
        group_id=f"wirestream-readiness-{uuid.uuid4().hex[:12]}",
        enable_auto_commit=False,
        auto_offset_reset="latest",
        bootstrap_timeout_ms=int(min(max(budget_s, 0.5), 3.0) * 1000),
        request_timeout_ms=5000,
    )
    try:
        consumer.subscribe(["__consumer_offsets"])
        deadline = time.monotonic() + budget_s
        while time.monotonic() < deadline and alive():
            consumer.poll(timeout_ms=250, max_records=1)
            if consumer.assignment():
                return True
        return False
    finally:
        consumer.close(autocommit=False, timeout_ms=2000)


def _wait_ready(
    bootstrap_servers: str, timeout: float, alive: Callable[[], bool], deadline: float
) -> None:
    def check_alive() -> None:
        if not alive():
            raise BrokerError("the broker process exited")

    # Wait for the TCP port first: cheap, and spares the log kafka-python's connect errors.
    while not _port_open(bootstrap_servers):
        check_alive()
        if time.monotonic() >= deadline:
            raise BrokerError(f"Kafka at {bootstrap_servers} not reachable within {timeout:.0f}s")
        time.sleep(0.2)
    last_error: Exception | None = None
    while True:
        check_alive()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BrokerError(
                f"Kafka at {bootstrap_servers} did not accept a consumer group within "
                f"{timeout:.0f}s (last error: {last_error!r})"
            )
        try:
            if _group_joins(bootstrap_servers, min(remaining, 5.0), alive):
                return
        except KafkaError as exc:  # coordinator not there yet, or broker still booting
            last_error = exc
            time.sleep(0.5)


def wait_until_ready(bootstrap_servers: str, timeout: float) -> None:
    """Block until a consumer group can join at ``bootstrap_servers``.

    An open port is not enough: for the first seconds the group coordinator answers
    GroupCoordinatorNotAvailable. Raises BrokerError after ``timeout`` seconds.
    """
    _wait_ready(bootstrap_servers, timeout, lambda: True, time.monotonic() + timeout)


# -------------------------------------------------------------------------- lifecycle


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
    with _locked(run_dir):
        running = broker_status(run_dir)
        return running if running is not None else _start_new(run_dir, timeout, sasl_users)


def _start_new(run_dir: Path, timeout: float, sasl_users: Mapping[str, str] | None) -> BrokerInfo:
    java = _java()  # check before a possibly slow jar download
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
    cmd = _java_cmd(java, lib_dir)

    t0 = time.monotonic()
    deadline = t0 + timeout  # covers format + JVM start + readiness
    fmt = subprocess.run(  # noqa: S603
        [*cmd, "kafka.tools.StorageTool", "format", "-t", _new_cluster_id(), "-c", str(props),
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
    with log_file.open(log_mode) as out:
        proc = subprocess.Popen(  # noqa: S603
            [*cmd, "kafka.Kafka", str(props)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            cwd=run_dir, start_new_session=True,  # own group: Ctrl-C in a shell won't kill it
        )
    _children[proc.pid] = proc
    info = BrokerInfo(bootstrap, proc.pid, log_file, external=False,
                      sasl_bootstrap_servers=sasl_bootstrap)
    _write_state(run_dir, info)
    try:
        _wait_ready(info.bootstrap_servers, timeout, lambda: proc.poll() is None, deadline)
    except BaseException as exc:  # also Ctrl-C: never leave a half-started broker behind
        _terminate(proc.pid, 10.0)
        (run_dir / "state.json").unlink(missing_ok=True)
        if not isinstance(exc, BrokerError):
            raise
        raise BrokerError(
            f"Kafka broker failed to start: {exc} (exit code {proc.returncode}).\n"
            f"{_first_error(log_file)}Last lines of {log_file}:\n{_tail(log_file)}"
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
    if _read_state(run_dir) is None:
        return False
    with _locked(run_dir):
        state = _read_state(run_dir)  # re-read: someone may have stopped it meanwhile
        if state is None:
            return False
        pid: int = state["pid"]
        stopped = False
        if _pid_alive(pid):
            log.info("Stopping Kafka broker pid %s", pid)
            _terminate(pid, timeout)
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
    state = _read_state(run_dir)
    if state is None:
        raise BrokerError(f"no broker recorded in {run_dir}")
    with _locked(run_dir):
        pid: int = state["pid"]
        if _pid_alive(pid):
            if kill:
                _signal_group(pid, signal.SIGKILL)
                _wait_exit(pid, 10.0)
                _children.pop(pid, None)
            else:
                _terminate(pid, 30.0)
        time.sleep(down_seconds)
        t0 = time.monotonic()
        return _launch(run_dir, _java_cmd(_java(), fetch_jars()), state["bootstrap_servers"],
                       state.get("sasl_bootstrap_servers"), timeout, t0, t0 + timeout, "ab")
