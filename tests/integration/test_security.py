"""Secured clusters: the worker and the plain clients over SASL (PLAIN, SCRAM) on a real
broker started with a SASL_PLAINTEXT listener on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kafka.errors import KafkaError

from pipeline import topics as T
from pipeline.adapters.client import wait_for_outcomes
from pipeline.adapters.kafka_io import ensure_topics, publish, read_topic
from pipeline.broker import start_broker, stop_broker
from tests.support.settings import isolated_settings
from tests.support.workers import WorkerProcess

USERS = {"wirestream": "scram-and-plain-secret-42"}
SEED = Path(__file__).resolve().parents[2] / "seeds" / "articles.jsonl"


@pytest.fixture(scope="module")
def sasl_servers(tmp_path_factory) -> str:
    run_dir = tmp_path_factory.mktemp("sasl-broker")
    info = start_broker(run_dir, sasl_users=USERS)
    assert info.sasl_bootstrap_servers
    yield info.sasl_bootstrap_servers
    stop_broker(run_dir)


def secured(servers: str, tmp_path: Path, mechanism: str, password: str):
    return isolated_settings(servers, tmp_path, security_protocol="SASL_PLAINTEXT",
                             sasl_mechanism=mechanism, sasl_username="wirestream",
                             sasl_password=password)


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_clients_authenticate_with_each_mechanism(sasl_servers, tmp_path, mechanism):
    settings = secured(sasl_servers, tmp_path, mechanism, USERS["wirestream"])
    ensure_topics(settings)
    topic = T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]
    [sent] = publish(settings, topic, [(b"k", mechanism.encode())])
    records = read_topic(settings, topic, until=lambda rs: len(rs) >= 1, timeout=30)
    assert records == [(b"k", mechanism.encode())]
    assert sent.offset == 0


def test_wrong_password_is_refused(sasl_servers, tmp_path):
    settings = secured(sasl_servers, tmp_path, "SCRAM-SHA-512", "not-the-password")
    with pytest.raises(KafkaError):
        ensure_topics(settings)


def test_worker_runs_over_scram_and_never_logs_the_secret(sasl_servers, tmp_path):
    settings = secured(sasl_servers, tmp_path, "SCRAM-SHA-512", USERS["wirestream"])
    ensure_topics(settings)
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        line = SEED.read_bytes().splitlines()[0]
        sent = publish(settings, T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW],
                       [(b"seed", line)])
        [outcome] = wait_for_outcomes(settings, sent).values()
        assert outcome.status == "processed"
        assert outcome.article_id == json.loads(line)["id"]
        assert outcome.event_ids
    finally:
        worker.stop()
    assert USERS["wirestream"] not in (tmp_path / "worker.log").read_text()
