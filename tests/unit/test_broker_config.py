"""Fast tests for the local-broker manager: no Java, no Kafka."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import broker
from pipeline.broker import lifecycle, process


def _props(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def test_render_server_properties_fills_every_placeholder(tmp_path: Path) -> None:
    text = broker.render_server_properties(19092, 19093, tmp_path / "data")
    assert "${" not in text
    props = _props(text)
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert props["log.dirs"] == str(tmp_path / "data")
    assert props["process.roles"] == "broker,controller"


def test_rendered_properties_allow_transactions_and_groups_on_one_node(tmp_path: Path) -> None:
    props = _props(broker.render_server_properties(1, 2, tmp_path))
    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
    ):
        assert props[key] == "1", key
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert props.get("auto.create.topics.enable", "true") == "true"


def test_find_free_ports_are_distinct_and_bindable() -> None:
    ports = broker.find_free_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", port))


def test_cluster_id_is_kafka_shaped() -> None:
    for _ in range(200):
        cid = broker.new_cluster_id()
        assert len(cid) == 22
        assert not cid.startswith("-")


def test_kafka_version_comes_from_the_pom() -> None:
    assert broker.kafka_version().count(".") == 2


def test_default_run_dir_is_under_gitignored_wirestream_dir() -> None:
    root = broker.project_root()
    assert (root / "pyproject.toml").is_file()
    assert broker.default_run_dir() == root / ".wirestream" / "broker"


def test_resolve_bootstrap_prefers_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", " kafka-1:9092,kafka-2:9092 ")
    info = broker.resolve_bootstrap(tmp_path)
    assert info == broker.BrokerInfo("kafka-1:9092,kafka-2:9092", None, None, external=True)


def test_resolve_bootstrap_none_without_env_or_broker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    assert broker.resolve_bootstrap(tmp_path) is None
    assert broker.broker_status(tmp_path) is None


def _write_state(run_dir: Path, pid: int) -> None:
    state = {"pid": pid, "bootstrap_servers": "127.0.0.1:1", "log_file": "x", "started_at": "t"}
    (run_dir / "state.json").write_text(json.dumps(state))


def test_stale_state_is_not_a_running_broker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _write_state(tmp_path, dead.pid)
    assert broker.broker_status(tmp_path) is None
    assert broker.resolve_bootstrap(tmp_path) is None
    assert broker.stop_broker(tmp_path) is False
    assert not (tmp_path / "state.json").exists()


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_recycled_pid_of_another_program_is_not_a_broker(tmp_path: Path) -> None:
    _write_state(tmp_path, os.getpid())  # alive, but this is pytest, not kafka.Kafka
    assert broker.broker_status(tmp_path) is None


def test_start_broker_with_env_starts_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    waited: list[str] = []
    monkeypatch.setattr(
        lifecycle, "wait_until_ready", lambda servers, timeout: waited.append(servers)
    )
    monkeypatch.setattr(lifecycle, "_start_new", None)  # any start attempt would blow up
    run_dir = tmp_path / "run"
    info = broker.start_broker(run_dir, timeout=1)
    assert info.external and info.pid is None and info.bootstrap_servers == "kafka:9092"
    assert waited == ["kafka:9092"]
    assert not run_dir.exists()


def test_missing_java_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(broker.BrokerError, match="openjdk-17-jre-headless"):
        broker.start_broker(tmp_path)


def test_missing_maven_is_only_needed_without_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(broker.BrokerError, match="apt-get install maven"):
        broker.fetch_jars(tmp_path / "libs")


def test_fetch_jars_is_a_no_op_when_marker_matches(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import hashlib

    pom = broker.project_root() / "deploy" / "kafka" / "pom.xml"
    libs = tmp_path / "libs"
    libs.mkdir()
    (libs / ".complete").write_text(hashlib.sha256(pom.read_bytes()).hexdigest())
    monkeypatch.setattr(shutil, "which", lambda name: None)  # mvn would be needed
    assert broker.fetch_jars(libs) == libs


def test_old_java_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/java")
    old = subprocess.CompletedProcess([], 0, stdout="", stderr='openjdk version "11.0.2" 2019')
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: old)
    with pytest.raises(broker.BrokerError, match="Java 17\\+ is required, found Java 11"):
        process.find_java()
