"""Where things are: the project root, the Kafka deploy files, the default run dir.

``deploy/kafka/pom.xml`` is the single source of truth for the Kafka version.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.broker.errors import BrokerError


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


def deploy_dir() -> Path:
    """Return ``<project>/deploy/kafka``: the pom, the config templates, the log4j config."""
    return project_root() / "deploy" / "kafka"


def kafka_version() -> str:
    """Return the Kafka version pinned in ``deploy/kafka/pom.xml`` (single source of truth)."""
    pom = (deploy_dir() / "pom.xml").read_text(encoding="utf-8")
    match = re.search(r"<kafka\.version>\s*([^<\s]+)\s*</kafka\.version>", pom)
    if not match:
        raise BrokerError(f"No <kafka.version> property in {deploy_dir() / 'pom.xml'}")
    return match.group(1)
