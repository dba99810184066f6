"""Fetch the broker's jars once with Maven and cache them.

There is no Docker here, so the broker runs straight from the Kafka jars, which Maven
fetches once (``deploy/kafka/pom.xml``) into ``.wirestream/kafka-libs-<version>``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
from pathlib import Path

from pipeline.broker.errors import LOG_TAIL_LINES, BrokerError
from pipeline.broker.paths import deploy_dir, kafka_version, project_root

log = logging.getLogger(__name__)

_MARKER = ".complete"


def _jars_cached(lib_dir: Path, pom_digest: str) -> bool:
    marker = lib_dir / _MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == pom_digest


def fetch_jars(cache_dir: Path | None = None) -> Path:
    """Download the broker jars with Maven once and return the directory holding them.

    The default cache is ``<project>/.wirestream/kafka-libs-<version>``. A marker file
    (holding the pom's hash) is written only after a complete download, so an interrupted
    or outdated download is redone; a cached one returns immediately.
    """
    pom = deploy_dir() / "pom.xml"
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
        out = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-LOG_TAIL_LINES:])
        raise BrokerError(f"Maven failed to fetch the Kafka jars (exit {proc.returncode}):\n{out}")
    (staging / _MARKER).write_text(digest + "\n", encoding="utf-8")
    if _jars_cached(lib_dir, digest):  # another process won the race
        shutil.rmtree(staging, ignore_errors=True)
    else:
        shutil.rmtree(lib_dir, ignore_errors=True)
        staging.rename(lib_dir)
    return lib_dir
