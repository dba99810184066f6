"""docker-compose.yml cannot run here (no Docker engine); keep its structure in step."""

import re
from pathlib import Path

import pytest
import yaml

from pipeline.settings import WirestreamSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def local_broker_properties() -> dict[str, str]:
    text = (ROOT / "deploy/kafka/server.properties.template").read_text()
    pairs = (line.split("=", 1) for line in text.splitlines()
             if line.strip() and not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


def test_kafka_is_the_official_image_at_the_local_version(compose):
    pom = (ROOT / "deploy/kafka/pom.xml").read_text()
    version = re.search(r"<kafka.version>(.+?)</kafka.version>", pom).group(1)
    assert compose["services"]["kafka"]["image"] == f"apache/kafka:{version}"


def test_kafka_has_a_healthcheck_that_asks_the_broker(compose):
    check = compose["services"]["kafka"]["healthcheck"]
    assert "kafka-broker-api-versions" in " ".join(check["test"])


@pytest.mark.parametrize(
    "prop",
    ["process.roles", "offsets.topic.replication.factor", "transaction.state.log.min.isr",
     "transaction.state.log.replication.factor", "share.coordinator.state.topic.min.isr",
     "group.initial.rebalance.delay.ms", "num.partitions", "controller.listener.names"],
)
def test_broker_settings_match_the_local_broker(compose, prop):
    env = compose["services"]["kafka"]["environment"]
    assert env["KAFKA_" + prop.upper().replace(".", "_")] == local_broker_properties()[prop]


def test_services_wait_on_health_not_sleep(compose):
    services = compose["services"]
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert (services["worker"]["depends_on"]["topics"]["condition"]
            == "service_completed_successfully")
    assert "sleep" not in (ROOT / "docker-compose.yml").read_text()


def test_worker_and_topics_use_the_project_image_and_cli(compose):
    for name, command in (("topics", "topics"), ("worker", "worker")):
        service = compose["services"][name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert service["command"] == ["wirestream", command]
    assert (ROOT / "deploy/Dockerfile").exists()


def test_worker_environment_names_real_settings(compose):
    known = {f"WIRESTREAM_{name.upper()}" for name in WirestreamSettings.model_fields}
    known.add("KAFKA_BOOTSTRAP_SERVERS")
    env = compose["services"]["worker"]["environment"]
    assert set(env) <= known, set(env) - known
    assert env["WIRESTREAM_PARTITIONS"] == local_broker_properties()["num.partitions"]
