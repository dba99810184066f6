"""Everything a fresh node is configured with: free ports, server.properties, cluster id.

The broker runs in KRaft combined mode (broker + controller in one JVM) on two free
loopback ports (a third for the SASL_PLAINTEXT listener when started with users).
"""

from __future__ import annotations

import base64
import socket
import uuid
from collections.abc import Mapping
from pathlib import Path
from string import Template

from pipeline.broker.paths import deploy_dir


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
    template = Template((deploy_dir() / "server.properties.template").read_text(encoding="utf-8"))
    sasl = {"SASL_LISTENER": "", "SASL_PROTOCOL": ""}
    if sasl_port is not None:
        sasl = {"SASL_LISTENER": f",SASL_PLAINTEXT://127.0.0.1:{sasl_port}",
                "SASL_PROTOCOL": ",SASL_PLAINTEXT:SASL_PLAINTEXT"}
    text = template.substitute(PORT=port, CONTROLLER_PORT=controller_port, LOG_DIRS=log_dirs,
                               **sasl)
    if sasl_port is None:
        return text
    plain_users = " ".join(f'user_{name}="{pw}"' for name, pw in (sasl_users or {}).items())
    extra = Template((deploy_dir() / "sasl.properties.template").read_text(encoding="utf-8"))
    return text + extra.substitute(PLAIN_USERS=plain_users)


def scram_format_args(sasl_users: Mapping[str, str]) -> list[str]:
    """StorageTool arguments that create SCRAM credentials for every user (KRaft bootstrap)."""
    args: list[str] = []
    for name, password in sasl_users.items():
        for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512"):
            args += ["--add-scram", f"{mechanism}=[name={name},password={password}]"]
    return args


def new_cluster_id() -> str:
    """Return a fresh cluster id for formatting storage."""
    # Kafka cluster ids are 16 random bytes, base64url without padding. Like Kafka's own
    # Uuid.randomUuid, avoid a leading '-' that the CLI would parse as an option.
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid
