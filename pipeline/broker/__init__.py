"""Start, stop and find a real single-node Apache Kafka broker for local work and tests.

The broker runs straight from the Kafka jars (no Docker), in KRaft combined mode
(broker + controller in one JVM) on free loopback ports, with its state in a run dir
(default ``.wirestream/broker``). ``KAFKA_BOOTSTRAP_SERVERS`` in the environment points
everything at an external cluster instead; then nothing is started.

Modules, from the bottom up:

    errors      BrokerError
    paths       project root, deploy/kafka, default run dir, pinned Kafka version
    jars        fetch the jars with Maven once (deploy/kafka/pom.xml) and cache them
    config      free ports, server.properties, SCRAM format args, cluster id
    process     the JVM process: find Java, spawn, alive?, terminate, log tail
    state       BrokerInfo, the run dir's state.json and lock, broker_status
    readiness   wait until a consumer group can join
    lifecycle   start_broker, stop_broker, restart_broker
"""

from __future__ import annotations

from pipeline.broker.config import (
    find_free_ports,
    new_cluster_id,
    render_server_properties,
    scram_format_args,
)
from pipeline.broker.errors import BrokerError
from pipeline.broker.jars import fetch_jars
from pipeline.broker.lifecycle import restart_broker, start_broker, stop_broker
from pipeline.broker.paths import default_run_dir, kafka_version, project_root
from pipeline.broker.readiness import wait_until_ready
from pipeline.broker.state import BOOTSTRAP_ENV, BrokerInfo, broker_status, resolve_bootstrap

__all__ = [
    "BOOTSTRAP_ENV",
    "BrokerError",
    "BrokerInfo",
    "broker_status",
    "default_run_dir",
    "fetch_jars",
    "find_free_ports",
    "kafka_version",
    "new_cluster_id",
    "project_root",
    "render_server_properties",
    "resolve_bootstrap",
    "restart_broker",
    "scram_format_args",
    "start_broker",
    "stop_broker",
    "wait_until_ready",
]
