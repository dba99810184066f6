"""The Prometheus alert rules (deploy/prometheus/alerts.yml) pass `promtool check rules` and
their promtool unit tests (alerts.test.yml), the Prometheus config loads them, and every alert
is labelled, annotated and tested both firing and quiet."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.support.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
ALERTS = PROMETHEUS / "alerts.yml"
ALERT_TESTS = PROMETHEUS / "alerts.test.yml"


def promtool(*args: str) -> str:
    done = subprocess.run([require_tool("promtool"), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, (f"promtool {' '.join(args)} exited {done.returncode}\n"
                                  f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done.stdout


def alert_rules() -> list[dict]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def test_alert_rules_pass_promtool_check():
    promtool("check", "rules", str(ALERTS.relative_to(ROOT)))


def test_alert_rules_pass_their_promtool_unit_tests():
    promtool("test", "rules", str(ALERT_TESTS.relative_to(ROOT)))


def test_prometheus_config_loads_the_alert_rules():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    assert config["rule_files"] == ["alerts.yml"]  # read next to the config, as mounted
    assert "SUCCESS: 1 rule files found" in promtool(
        "check", "config", str((PROMETHEUS / "prometheus.yml").relative_to(ROOT)))


def test_the_rules_form_the_wirestream_group_of_the_issue():
    [group] = yaml.safe_load(ALERTS.read_text())["groups"]
    assert group["name"] == "wirestream"
    assert {rule["alert"] for rule in alert_rules()} == {
        "WirestreamConsumerLagGrowing", "WirestreamDeadLetterRateHigh",
        "WirestreamDeadLetterRatioHigh", "WirestreamNoProgress", "WirestreamWorkerNotReady",
        "WirestreamWorkerDown"}


def test_every_alert_has_a_severity_a_summary_and_a_description():
    for rule in alert_rules():
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert set(rule["annotations"]) == {"summary", "description"}, rule["alert"]
        assert rule.get("for"), rule["alert"]


def test_every_alert_is_tested_firing_and_not_firing():
    cases = [case for test in yaml.safe_load(ALERT_TESTS.read_text())["tests"]
             for case in test.get("alert_rule_test", [])]
    for name in (rule["alert"] for rule in alert_rules()):
        expected = [case["exp_alerts"] for case in cases if case["alertname"] == name]
        assert any(expected), f"{name}: no test where it fires"
        assert [] in expected, f"{name}: no test where it stays quiet"
