"""`subscribe` and `wirestream tail` / `wirestream publish` progress on the real broker, over
the seeds run through a real worker."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from pipeline import topics as T
from pipeline.adapters.client import (
    latest_events,
    publish_files,
    read_lines,
    wait_for_outcomes,
)
from pipeline.adapters.kafka_io import ensure_topics, read_topic
from pipeline.adapters.subscribe import subscribe
from pipeline.cli.launcher import settings_env
from schemas.records import Article, ArticleOutcome, EnrichedEvent

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.jsonl"))
WIRESTREAM = Path(sys.executable).with_name("wirestream")


@pytest.fixture(scope="module")
def seeded(pipeline_settings, worker):
    """The seeds published and processed: (sent, outcomes by input ref, their events)."""
    sent = publish_files(pipeline_settings, SEED_FILES,
                         T.TopicNames(pipeline_settings.topic_prefix)[T.ARTICLES_RAW])
    outcomes = wait_for_outcomes(pipeline_settings, sent)
    event_ids = {e for o in outcomes.values() for e in o.event_ids}
    assert event_ids, "the seeds should yield events"
    events = latest_events(pipeline_settings, event_ids=event_ids)
    return sent, outcomes, events


def run_cli(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(WIRESTREAM), *args], env=settings_env(settings),
                          capture_output=True, text=True, timeout=180, check=False)


def test_subscribe_yields_the_seeds_events(pipeline_settings, seeded):
    _, _, events = seeded
    got = list(subscribe("events.enriched", settings=pipeline_settings, from_beginning=True,
                         timeout=5))
    assert got and all(isinstance(e, EnrichedEvent) for e in got)
    assert {e.event_id for e in events} <= {e.event_id for e in got}


def test_subscribe_yields_one_outcome_per_input(pipeline_settings, seeded):
    sent, _, _ = seeded
    with subscribe("articles.outcomes", settings=pipeline_settings, from_beginning=True,
                   timeout=5) as outcomes:
        got = list(outcomes)
    assert all(isinstance(o, ArticleOutcome) for o in got)
    refs = Counter(o.input_ref for o in got)
    assert set(refs) == {p.input_ref for p in sent}
    assert set(refs.values()) == {1}
    assert outcomes.skipped == 0


def test_subscribe_skips_what_does_not_validate_with_one_warning_each(
        pipeline_settings, seeded, caplog):
    sent, _, _ = seeded
    caplog.set_level(logging.WARNING, logger="pipeline.adapters.subscribe")
    raw = subscribe("articles.raw", settings=pipeline_settings, from_beginning=True, timeout=5)
    articles = list(raw)
    assert all(isinstance(a, Article) for a in articles)
    assert raw.skipped >= 1  # seeds/bad-records.jsonl
    assert len(articles) + raw.skipped == len(sent)
    warnings = [r for r in caplog.records if r.name == "pipeline.adapters.subscribe"]
    assert len(warnings) == raw.skipped
    assert all("not a valid Article" in r.getMessage() for r in warnings)


def test_a_group_commits_and_without_from_beginning_only_new_records_come(
        pipeline_settings, seeded):
    sent, _, _ = seeded
    group = f"{pipeline_settings.app_id}-tail-test"
    first = list(subscribe("articles.outcomes", settings=pipeline_settings, group_id=group,
                           from_beginning=True, timeout=8))
    assert {o.input_ref for o in first} == {p.input_ref for p in sent}
    again = list(subscribe("articles.outcomes", settings=pipeline_settings, group_id=group,
                           from_beginning=True, timeout=4))
    assert again == []  # committed: the group resumes after what it read
    assert list(subscribe("articles.outcomes", settings=pipeline_settings, timeout=2)) == []


def test_tail_events_json_filtered_by_root(pipeline_settings, seeded):
    _, _, events = seeded
    root, _ = Counter(e.root for e in events).most_common(1)[0]
    result = run_cli(pipeline_settings, "tail", "events", "--json", "--from-beginning",
                     "--timeout", "5", "--root", root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines, result.stderr
    parsed = [EnrichedEvent.model_validate_json(line) for line in lines]
    assert {e.root for e in parsed} == {root}
    assert {e.event_id for e in events if e.root == root} <= {e.event_id for e in parsed}


def test_tail_outcomes_piped_prints_readable_lines(pipeline_settings, seeded):
    sent, outcomes, _ = seeded
    result = run_cli(pipeline_settings, "tail", "outcomes", "--from-beginning",
                     "--timeout", "5")
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split()[:3] == ["decided", "input", "status"]
    assert len(lines) == len(sent)
    for o in outcomes.values():
        [line] = [line for line in lines if o.input_ref in line.split()]
        assert o.status in line.split()
    assert not any(line.startswith("{") for line in lines)
    assert "\x1b[" not in result.stdout  # no live redraws, no colours


def test_tail_refuses_a_filter_the_kind_cannot_answer(pipeline_settings):
    result = run_cli(pipeline_settings, "tail", "outcomes", "--root", "14", "--timeout", "1")
    assert result.returncode == 2
    assert "cannot filter outcomes" in result.stderr


def test_publish_piped_prints_progress_lines_and_the_count(pipeline_settings, seeded):
    # Own topics, no worker: the seeds' outcomes above stay as they are.
    settings = pipeline_settings.model_copy(
        update={"topic_prefix": f"{pipeline_settings.topic_prefix}pub."})
    ensure_topics(settings)
    files = [SEEDS / "articles.jsonl"]
    n = len(read_lines(files))
    result = run_cli(settings, "publish", *map(str, files))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"publishing: {n}/{n} (100%)" in lines
    assert lines[-1] == f"published {n} messages"
    assert len(read_topic(settings, T.TopicNames(settings.topic_prefix)[T.ARTICLES_RAW],
                          timeout=30)) == n
