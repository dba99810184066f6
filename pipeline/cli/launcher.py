"""Start and stop a `wirestream worker` child process (the demo; tests extend it)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

from pydantic import SecretStr

from pipeline.settings import WirestreamSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_env(settings: WirestreamSettings) -> dict[str, str]:
    """The environment that reproduces these settings in a child process."""
    env = dict(os.environ)
    env["KAFKA_BOOTSTRAP_SERVERS"] = settings.bootstrap_servers
    for name, value in settings.model_dump(exclude={"bootstrap_servers"}).items():
        if value is None:
            continue
        if isinstance(value, SecretStr):  # the child needs the secret itself, not "****"
            value = value.get_secret_value()
        env[f"WIRESTREAM_{name.upper()}"] = str(value)
    return env


class WorkerProcess:
    """A `wirestream worker` child process with its own metrics port and log file."""

    def __init__(self, settings: WirestreamSettings, log_file: Path) -> None:
        if settings.metrics_port == 0:
            settings = settings.model_copy(update={"metrics_port": free_port()})
        self.settings = settings
        self.log_file = log_file
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def metrics_url(self) -> str:
        return f"http://{self.settings.metrics_host}:{self.settings.metrics_port}/metrics"

    def start(self, *, timeout: float = 60.0) -> WorkerProcess:
        """Spawn the worker and wait until it reports ready."""
        return self.spawn().wait_ready(timeout=timeout)

    def spawn(self) -> WorkerProcess:
        """Start the process without waiting for it."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_file.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603 - our own module, fixed argv
            [sys.executable, "-m", "pipeline.cli", "worker"],
            env=settings_env(self.settings), stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_ready(self, *, timeout: float = 60.0) -> WorkerProcess:
        """Wait until `wirestream_worker_ready` is 1; stop the worker if it exits or times out."""
        if self.proc is None:
            raise RuntimeError("spawn() the worker first")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}; "
                                   f"see {self.log_file}:\n{self.tail()}")
            if "wirestream_worker_ready 1.0" in (self.metrics() or ""):
                return self
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"worker did not become ready within {timeout}s:\n{self.tail()}")

    def metrics(self) -> str | None:
        """The current /metrics text, or None when the endpoint is not up."""
        try:
            with urllib.request.urlopen(self.metrics_url, timeout=2) as resp:  # noqa: S310
                return resp.read().decode()
        except OSError:
            return None

    def stop(self, *, timeout: float = 30.0) -> None:
        """SIGTERM (Faust shuts down cleanly, committing offsets); SIGKILL if it hangs."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def tail(self, lines: int = 40) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

