"""The broker's JVM as an OS process: find Java, spawn it, tell if it lives, stop it.

The broker is started in its own session (its pgid is its pid), so signals go to its
whole process group. Brokers this interpreter started are kept as Popen objects.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import time
from collections import deque
from pathlib import Path

from pipeline.broker.errors import LOG_TAIL_LINES, BrokerError
from pipeline.broker.paths import deploy_dir

log = logging.getLogger(__name__)

JAVA_MIN_MAJOR = 17
JVM_HEAP = ["-Xmx1G", "-Xms1G"]

# Popen objects of brokers this interpreter started, by pid. Keeping them lets us
# reap our own children (no zombies) and stops Popen.__del__ warning about them.
_children: dict[int, subprocess.Popen[bytes]] = {}


def find_java() -> str:
    """Return the ``java`` on PATH; BrokerError if there is none or it is older than 17."""
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


def java_cmd(java: str, lib_dir: Path) -> list[str]:
    """The JVM command line (heap, log4j config, classpath) before the main class."""
    log4j = deploy_dir() / "log4j2.properties"
    return [java, *JVM_HEAP, "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={log4j}",
            "-cp", f"{lib_dir}/*"]


def spawn(argv: list[str], *, cwd: Path, log_file: Path, log_mode: str) -> subprocess.Popen[bytes]:
    """Start ``argv`` in the background, stdout + stderr to ``log_file``, and track it."""
    with log_file.open(log_mode) as out:
        proc = subprocess.Popen(  # noqa: S603
            argv,
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            cwd=cwd, start_new_session=True,  # own group: Ctrl-C in a shell won't kill it
        )
    _children[proc.pid] = proc
    return proc


def pid_alive(pid: int) -> bool:
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
    while pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def terminate(pid: int, timeout: float) -> None:
    """SIGTERM the broker's process group, then SIGKILL it after ``timeout``."""
    _signal_group(pid, signal.SIGTERM)
    if not _wait_exit(pid, timeout):
        log.warning("Broker pid %s ignored SIGTERM for %.0fs; sending SIGKILL", pid, timeout)
        _signal_group(pid, signal.SIGKILL)
        if not _wait_exit(pid, 10.0):
            raise BrokerError(f"Broker pid {pid} did not exit even after SIGKILL")
    _children.pop(pid, None)


def kill_group(pid: int) -> None:
    """SIGKILL the broker's process group (no clean shutdown) and wait up to 10s for it."""
    _signal_group(pid, signal.SIGKILL)
    _wait_exit(pid, 10.0)
    _children.pop(pid, None)


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of the broker log, or ``(no log)``."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return "".join(deque(fh, maxlen=lines))
    except OSError:
        return "(no log)"


def first_error(path: Path) -> str:
    """The first ERROR/FATAL line of the broker log and the line after it, or ``""``."""
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
