"""Event scoring: matching rules, P/R/F1 arithmetic, and quality floors on the gold sets."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.evaluation.events import (
    EventScores,
    GoldEvent,
    actor_key,
    code_key,
    load_gold,
    locate,
    match,
    parse_gold_event,
    run,
    score,
    worker_extractor,
)
from pipeline.settings import WirestreamSettings
from pipeline.steps.clauses.extract import extract_events as clause_events
from pipeline.steps.extraction.extract import extract_events
from schemas.records import Actor, Article, Evidence, ExtractedEvent, Location

ROOT = Path(__file__).resolve().parents[2]
SEED_GOLD = ROOT.parent / "shared" / "seeds" / "seed_gold.jsonl"
DEV = ROOT / "tests" / "data" / "events-dev.jsonl"
HELDOUT = ROOT / "tests" / "data" / "events-heldout.jsonl"
ART = Article(id="a", source="t", body="x", published_at="2025-02-04")
EVIDENCE = Evidence(sentence="x", start=0, end=1)


def actor(code: str) -> Actor:
    if code[:3].isupper() and len(code) >= 3 and code_key(code) == code[:3]:
        return Actor(text=code, code=code, country=code[:3], role=code[3:] or None)
    return Actor(text=code, code=code, organisation=code)


def pred(source: str | None, target: str | None, code: str, **kw: object) -> ExtractedEvent:
    return ExtractedEvent(source=actor(source) if source else None,
                          target=actor(target) if target else None, code=code,
                          evidence=EVIDENCE, confidence=0.5, **kw)


def gold(source: object, target: object, root: str, **kw: object) -> GoldEvent:
    return parse_gold_event({"source": source, "target": target, "root": root, **kw}, 0)


@pytest.mark.parametrize(("code", "key"), [
    ("ISRGOV", "ISR"), ("USA", "USA"), ("HAMAS", "HAMAS"), ("UN", "UN"), ("NATO", "NATO"),
    ("IRA", "IRA"), (None, None), ("PSEREB", "PSE"),
])
def test_code_key(code: str | None, key: str | None) -> None:
    assert code_key(code) == key


def test_organisation_does_not_match_its_home_country() -> None:
    hamas = Actor(text="Hamas", code="HAMAS", country="PSE", organisation="HAMAS")
    assert actor_key(hamas) == "HAMAS"
    assert match([pred("HAMAS", "ISR", "036")], [gold("PSE", "ISR", "03")]) == {}
    assert match([pred("HAMAS", "ISR", "036")], [gold(["HAMAS", "PSE"], "ISR", "03")]) == {0: 0}


def test_null_in_a_list_accepts_an_unstated_actor() -> None:
    assert match([pred(None, "ISR", "0841")], [gold(["HAMAS", None], "ISR", "08")]) == {0: 0}
    assert match([pred(None, "ISR", "0841")], [gold("HAMAS", "ISR", "08")]) == {}


def test_matching_is_one_to_one_and_maximal() -> None:
    preds = [pred("USAGOV", "RUSGOV", "040"), pred("USAGOV", "RUSGOV", "042")]
    golds = [gold("USAGOV", ["RUS", "CHN"], "04"), gold("USA", "RUS", "04")]
    assert len(match(preds, golds)) == 2
    assert len(match(preds, golds[:1])) == 1


def scores_for(preds: list[ExtractedEvent], golds: list[GoldEvent]) -> EventScores:
    return score([(ART, golds)], lambda _article: preds)


def test_perfect_predictions() -> None:
    golds = [gold("ISRGOV", "QAT", "04", status="planned", date="2025-02-04..2025-02-09",
                  location={"name": "Doha", "country": "QAT"})]
    preds = [pred("ISRGOV", "QATGOV", "046", status="planned", date_start=date(2025, 2, 4),
                  date_end=date(2025, 2, 9), location=Location(name="Doha", country="QAT"))]
    s = scores_for(preds, golds)
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    summary = s.summary()
    assert summary["location_accuracy"] == summary["date_accuracy"] == 1.0
    assert summary["status_accuracy"] == 1.0


def test_empty_predictions() -> None:
    s = scores_for([], [gold("EGY", "USA", "12")])
    assert (s.precision, s.recall, s.f1, s.fn) == (0.0, 0.0, 0.0, 1)


def test_partial_predictions() -> None:
    golds = [gold("EGY", "USA", "12"), gold("JOR", "USA", "12")]
    preds = [pred("EGY", "USAGOV", "120"), pred("FRA", "USA", "120"),
             pred("JOR", "USA", "111")]
    s = scores_for(preds, golds)
    assert (s.tp, s.fp, s.fn) == (1, 2, 1)
    assert s.precision == pytest.approx(1 / 3)
    assert s.recall == pytest.approx(1 / 2)
    assert s.f1 == pytest.approx(2 * (1 / 3) * 0.5 / (1 / 3 + 0.5))


def test_optional_gold_rewards_a_find_but_does_not_punish_a_miss() -> None:
    golds = [gold("EGY", "USA", "12"), gold("JOR", "USA", "12", required=False)]
    assert scores_for([pred("EGY", "USA", "120")], golds).recall == 1.0
    found = scores_for([pred("JOR", "USA", "120")], golds)
    assert (found.tp, found.fp, found.recall) == (1, 0, 0.0)


def test_detail_accuracy_on_matched_pairs() -> None:
    golds = [gold("ISRGOV", "USAGOV", "04", status="planned", date="2025-02-05",
                  location={"name": "Washington", "country": "USA"})]
    preds = [pred("ISRGOV", "USAGOV", "040", status="actual", date_start=date(2025, 2, 5),
                  date_end=date(2025, 2, 5), location=Location(name="New York", country="USA"))]
    summary = scores_for(preds, golds).summary()
    assert summary["date_accuracy"] == 1.0
    assert summary["status_accuracy"] == 0.0
    assert summary["location_accuracy"] == 0.0
    assert summary["location_country_accuracy"] == 1.0


def test_run_prints_one_json_line_last(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gold.jsonl"
    record = {"article": {"id": "x", "source": "t", "body": "Egypt rejected the US plan.",
                          "published_at": "2025-02-04"},
              "events": [{"source": "EGY", "target": "USA", "root": "12"}]}
    path.write_text(json.dumps(record) + "\n")
    summary = run(path, Console(file=None, width=120))
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == summary
    assert {"precision", "recall", "f1", "location_accuracy", "date_accuracy",
            "status_accuracy", "tp", "fp", "fn", "matched"} <= set(summary)


def test_unreadable_gold_rows_are_reported_and_the_rest_scored(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = {"article": {"id": "x", "source": "t", "body": "Egypt rejected the US plan.",
                          "published_at": "2025-02-04"},
              "events": [{"source": "EGY", "target": "USA", "root": "12"}]}
    empty = {"article": {"id": "y", "source": "t", "body": "", "published_at": "2025-02-04"}}
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join([json.dumps(record), "{broken", json.dumps(empty),
                                json.dumps({"events": []})]) + "\n")
    summary = run(path, Console(file=None, width=1000))
    out = capsys.readouterr().out
    assert summary["bad_rows"] == 3 and summary["articles"] == 1
    assert "3 bad rows skipped: line 2 (invalid JSON" in out
    assert "line 3 (body:" in out and "line 4 (missing 'article')" in out


# -- quality floors: regressions fail here -------------------------------------------------

def test_seed_required_events_all_found() -> None:
    if not SEED_GOLD.exists():
        pytest.skip("shared seed gold not available")
    s = score(load_gold(SEED_GOLD), extract_events)
    assert s.recall == 1.0, s.missed
    assert s.precision >= 0.85


@pytest.mark.parametrize(("path", "min_f1", "min_articles"), [(DEV, 0.86, 54), (HELDOUT, 0.72, 18)])
def test_gold_set_floor(path: Path, min_f1: float, min_articles: int) -> None:
    records = load_gold(path)
    assert len(records) >= min_articles
    assert score(records, extract_events).f1 >= min_f1


WORLD_DEV = ROOT / "tests" / "data" / "gold" / "world-dev.jsonl"
WORLD_UNTOUCHED = ROOT / "tests" / "data" / "gold" / "world-untouched.jsonl"


@pytest.mark.parametrize(("path", "articles"), [(WORLD_DEV, 150), (WORLD_UNTOUCHED, 60)])
def test_real_news_gold_resolves_into_the_corpus_with_grounded_excerpts(path: Path,
                                                                        articles: int):
    records = load_gold(path)
    assert len(records) == articles
    assert all(len(a.body) >= 1000 and a.published_at.year >= 2015 for a, _ in records)
    events = [g for _, golds in records for g in golds]
    assert all(g.span is not None for g in events)  # every excerpt is verbatim
    assert sum(g.required for g in events) >= len(events) // 3


def test_real_news_dev_floor():
    # The floor of the rule engine on real news nobody here wrote, raised as the engine
    # improves, never lowered for the same set (150 articles since the second annotation
    # round, whose 50 are harder: measured P 0.45, R 0.197, grounded P 0.37).
    s = score(load_gold(WORLD_DEV), extract_events)
    assert s.precision >= 0.43 and s.recall >= 0.19 and s.grounded_precision >= 0.35


def test_real_news_dev_floor_of_the_clause_engine():
    # Measured P 0.475, R 0.248, grounded P 0.385 on the same 150 articles.
    s = score(load_gold(WORLD_DEV), clause_events)
    assert s.precision >= 0.46 and s.recall >= 0.24 and s.grounded_precision >= 0.37


# -- grounding -----------------------------------------------------------------------------------

GROUNDING_BODY = "Israel struck Gaza on Monday. Later, Israel struck Gaza again, officials said."


def test_an_elided_excerpt_is_located_by_its_longest_fragment():
    assert locate("Israel struck Gaza on Monday", GROUNDING_BODY) == (0, 28)
    assert locate("Later, ... struck Gaza again", GROUNDING_BODY) == (44, 61)
    assert locate("not in the text", GROUNDING_BODY) is None
    assert locate(None, GROUNDING_BODY) is None


def test_a_match_from_another_sentence_counts_but_is_not_grounded():
    second = parse_gold_event({"source": "ISR", "target": "PSE", "root": "19",
                               "text": "Israel struck Gaza again"}, 0, GROUNDING_BODY)
    article = Article(id="g", source="t", body=GROUNDING_BODY, published_at="2025-02-04")
    first_sentence = pred("ISR", "PSE", "190").model_copy(
        update={"evidence": Evidence(sentence="Israel struck Gaza on Monday.", start=0, end=29)})
    scores = score([(article, [second])], lambda _: [first_sentence])
    assert (scores.tp, scores.grounded_tp, scores.grounded_precision) == (1, 0, 0.0)
    second_sentence = first_sentence.model_copy(
        update={"evidence": Evidence(sentence="Later ...", start=30, end=len(GROUNDING_BODY))})
    scores = score([(article, [second])], lambda _: [first_sentence, second_sentence])
    assert (scores.tp, scores.grounded_tp, scores.grounded_recall) == (1, 1, 1.0)


def test_the_eval_extracts_through_the_workers_ingest_stage():
    settings = WirestreamSettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1", max_article_bytes=1024)
    extract = worker_extractor(settings)
    body = "Hamas militants attacked Israeli soldiers in Gaza on Monday."
    short = Article(id="s", source="t", body=body, published_at="2025-02-04")
    assert extract(short) == extract_events(short) != []
    # Too large for the worker's input limit: the worker dead-letters it, so no events.
    long = short.model_copy(update={"body": body + " x" * 600})
    assert extract(long) == []


def test_both_engines_find_every_required_seed_event():
    records = load_gold(SEED_GOLD)
    for engine in (extract_events, clause_events):
        scores = score(records, engine)
        assert scores.recall == 1.0, (engine.__module__, scores.missed)
