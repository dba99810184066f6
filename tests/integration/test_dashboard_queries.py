"""Every query of the Grafana dashboard answers with data from a real Prometheus (the Debian
`prometheus` server binary) scraping a real worker that processed the seed articles, and the
alert rules of deploy/prometheus/alerts.yml load and evaluate there.

The seeds hold no copy of an article under another id: copies of their articles are published
with them, so duplicates are counted. Inputs go in twice: the seeds and copies before
Prometheus starts (every series exists at its first scrape), and more copies and the bad records
once it has scraped those, so each counter grows inside the rate() windows and the rates,
ratios and quantiles are numbers, not NaN.
"""

from __future__ import annotations

import json
import math
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pipeline import topics as T
from pipeline.adapters.client import message_key, publish_files, read_lines, wait_for_outcomes
from pipeline.adapters.kafka_io import publish
from pipeline.cli.launcher import free_port
from pipeline.settings import WirestreamSettings
from tests.support.tools import require_tool
from tests.support.workers import WorkerProcess

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "wirestream.json"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
SEEDS = sorted((ROOT / "seeds").glob("*.jsonl"))
SEED_ARTICLES = ROOT / "seeds" / "articles.jsonl"
BAD_RECORDS = ROOT / "seeds" / "bad-records.jsonl"


def dashboard_queries() -> list[tuple[str, str]]:
    """(panel title, expr) of every target of every panel, rows' panels included."""
    def walk(panels: list[dict]) -> Iterator[tuple[str, str]]:
        for panel in panels:
            for target in panel.get("targets", []):
                yield panel["title"], target["expr"]
            yield from walk(panel.get("panels", []))

    return list(walk(json.loads(DASHBOARD.read_text())["panels"]))


def alert_names() -> set[str]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return {rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule}


@dataclass
class PrometheusServer:
    proc: subprocess.Popen[bytes]
    url: str
    log_file: Path

    def get(self, path: str, **params: str) -> dict:
        """The JSON answer of the HTTP API; an error answer (HTTP 400/422) is returned too."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=10) as resp:  # noqa: S310
                return json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return json.loads(err.read() or b'{"status": "error", "error": "no body"}')

    def query(self, expr: str) -> dict:
        return self.get("/api/v1/query", query=expr)

    def scalar(self, expr: str) -> float | None:
        """The value of a query answering one sample, None when it answers none."""
        result = self.query(expr).get("data", {}).get("result", [])
        return float(result[0]["value"][1]) if result else None

    def poll(self, condition: Callable[[], bool], *, timeout: float) -> bool:
        """Whether `condition` holds within `timeout`; raises when Prometheus exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prometheus exited with {self.proc.returncode}:\n{self.tail()}")
            if condition():
                return True
            time.sleep(0.5)
        return False

    def wait_until(self, what: str, condition: Callable[[], bool], *,
                   timeout: float = 60.0) -> None:
        if not self.poll(condition, timeout=timeout):
            raise TimeoutError(f"prometheus: {what} not within {timeout}s:\n{self.tail()}")

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as resp:  # noqa: S310
                return resp.status == 200
        except OSError:
            return False

    def tail(self, lines: int = 30) -> str:
        text = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def start_prometheus(binary: str, worker: WorkerProcess, workdir: Path) -> PrometheusServer:
    port = free_port()
    config = workdir / "prometheus.yml"
    config.write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(ALERTS)],
        "scrape_configs": [{
            "job_name": "wirestream",
            "static_configs": [{"targets": [f"127.0.0.1:{worker.settings.metrics_port}"]}],
        }],
    }))
    log_file = workdir / "prometheus.log"
    with log_file.open("wb") as log:
        proc = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.tsdb.path={workdir / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=log, stderr=subprocess.STDOUT,
        )
    return PrometheusServer(proc, f"http://127.0.0.1:{port}", log_file)


def stop_prometheus(server: PrometheusServer) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=10)


def copies(tag: str) -> list[bytes]:
    """The seed articles under new ids: exact copies, recognised as duplicates."""
    return [json.dumps({**json.loads(line), "id": f"{json.loads(line)['id']}-{tag}"}).encode()
            for line in read_lines([SEED_ARTICLES])]


def raw_topic(settings: WirestreamSettings) -> str:
    return T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW]


def publish_and_wait(settings: WirestreamSettings, lines: list[bytes]) -> int:
    sent = publish(settings, raw_topic(settings), [(message_key(line), line) for line in lines])
    assert len(wait_for_outcomes(settings, sent)) == len(sent)
    return len(sent)


def publish_seeds(settings: WirestreamSettings) -> int:
    """seeds/*.jsonl as they are, then copies of their articles; returns the inputs sent."""
    sent = publish_files(settings, SEEDS, raw_topic(settings))
    assert len(wait_for_outcomes(settings, sent)) == len(sent)
    return len(sent) + publish_and_wait(settings, copies("copy-1"))


@pytest.fixture(scope="module")
def prometheus(pipeline_settings: WirestreamSettings, worker: WorkerProcess,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    binary = require_tool("prometheus")
    first = publish_seeds(pipeline_settings)
    server = start_prometheus(binary, worker, tmp_path_factory.mktemp("prometheus"))
    try:
        server.wait_until("/-/ready", server.ready)
        server.wait_until("a scrape of the first seeds", lambda: (
            server.scalar("sum(wirestream_outcomes_total)") or 0) >= first)
        second = publish_and_wait(pipeline_settings,
                                  copies("copy-2") + read_lines([BAD_RECORDS]))
        server.wait_until("a scrape of the second seeds", lambda: (
            server.scalar("sum(wirestream_outcomes_total)") or 0) >= first + second)
        server.wait_until("the consumer lag", lambda: (
            server.scalar("count(wirestream_consumer_lag_messages)") or 0) > 0)
        yield server
    finally:
        stop_prometheus(server)


def test_dashboard_queries_are_plain_promql():
    queries = dashboard_queries()
    assert len(queries) >= 10
    # Grafana variables ($__rate_interval, $job ...) would not run against the API as they are.
    assert [expr for _, expr in queries if "$" in expr] == []


def test_every_dashboard_query_answers_with_data(prometheus: PrometheusServer):
    failures = []
    for title, expr in dashboard_queries():
        answer = prometheus.query(expr)
        if answer.get("status") != "success":
            failures.append(f"{title}: {expr}\n    error: {answer.get('error')}")
            continue
        result = answer["data"]["result"]
        if not result:
            failures.append(f"{title}: {expr}\n    empty result")
        elif all(math.isnan(float(sample["value"][1])) for sample in result):
            failures.append(f"{title}: {expr}\n    only NaN: {result}")
    assert not failures, "dashboard queries without data:\n" + "\n".join(failures)


def test_quad_class_counter_adds_up_to_the_roots(prometheus: PrometheusServer):
    by_class = {
        "1": 'root=~"0[1-5]"', "2": 'root=~"0[6-8]"', "3": 'root=~"09|1[0-3]"',
        "4": 'root=~"1[4-9]|20"',
    }
    total = prometheus.scalar("sum(wirestream_events_by_quad_class_total)")
    assert total and total == prometheus.scalar("sum(wirestream_events_extracted_total)")
    for quad_class, roots in by_class.items():
        assert (prometheus.scalar(
            f'sum(wirestream_events_by_quad_class_total{{quad_class="{quad_class}"}}) or vector(0)')
            == prometheus.scalar(
            f"sum(wirestream_events_extracted_total{{{roots}}}) or vector(0)")), quad_class


def test_alert_rules_load_and_evaluate_against_the_worker(prometheus: PrometheusServer):
    def wirestream_group() -> dict | None:
        groups = prometheus.get("/api/v1/rules")["data"]["groups"]
        return next((g for g in groups if g["name"] == "wirestream"), None)

    expected = dict.fromkeys(alert_names(), "inactive")
    # The second inputs are 8 bad records in 13: the dead-letter ratio (> 20%) is pending, the
    # 10 minutes of its `for` not reached; a healthy worker that drained its input: no other.
    expected["WirestreamDeadLetterRatioHigh"] = "pending"

    def states() -> dict[str, str]:
        group = wirestream_group() or {"rules": []}
        return {r["name"]: r["state"] for r in group["rules"] if r["type"] == "alerting"}

    def evaluated_as_expected() -> bool:  # evaluated: health no longer "unknown"
        group = wirestream_group()
        return (group is not None and all(r["health"] != "unknown" for r in group["rules"])
                and states() == expected)

    # On a timeout the assertions below say what differs.
    prometheus.poll(evaluated_as_expected, timeout=20)
    group = wirestream_group()
    assert group is not None, prometheus.get("/api/v1/rules")
    assert {r["name"]: r["health"] for r in group["rules"] if r["health"] != "ok"} == {}, [
        (r["name"], r.get("lastError")) for r in group["rules"]]
    assert states() == expected
