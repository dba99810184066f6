"""Scoring maths of `wirestream eval dedup` and a quality floor on committed text."""

import json
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.evaluation import dedup

DATA = Path(__file__).resolve().parents[1] / "data" / "dedup-dev.jsonl"


def test_pairwise_scores_on_a_hand_case():
    # gold: {a,b,c} copies, d alone; predicted: {a,b}, {c,d}
    s = dedup.pairwise_scores(["x", "x", "y", "y"], ["g", "g", "g", None])
    assert s["gold_pairs"] == 3 and s["predicted_pairs"] == 2
    assert s["precision"] == pytest.approx(0.5)
    assert s["recall"] == pytest.approx(1 / 3)


def test_pairwise_scores_without_pairs_are_perfect():
    s = dedup.pairwise_scores(["a", "b"], [None, None])
    assert (s["precision"], s["recall"]) == (1.0, 1.0)


def test_bcubed_on_a_hand_case():
    # Amigó et al. style: predicted {1,2,3},{4}; gold {1,2},{3,4}
    s = dedup.bcubed_scores(["p", "p", "p", "q"], ["A", "A", "B", "B"])
    assert s["precision"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert s["recall"] == pytest.approx((1 + 1 + 1 / 2 + 1 / 2) / 4)
    p, r = s["precision"], s["recall"]
    assert s["f1"] == pytest.approx(2 * p * r / (p + r))
    assert dedup.bcubed_scores(["a", "b"], ["a", "b"])["f1"] == 1.0


def test_direct_pairs_count_each_link_a_consumer_reads():
    gold = {"a": "g", "b": "g", "c": "g", "d": None, "e": "h", "f": "h"}
    # a<-b right, c<-d wrong (d is no copy), e and f never linked: 1 of 2 right, 1 of 3 needed
    s = dedup.direct_pair_scores([("b", "a"), ("d", "c")], gold)
    assert s["precision"] == pytest.approx(0.5) and s["recall"] == pytest.approx(1 / 3)


def test_arrival_order_is_publish_order_with_lags_and_late_ones():
    rows = [{"id": str(i), "body": "x", "published_at": f"2025-01-01T{i:02d}:00:00Z"}
            for i in range(20)]
    prompt = dedup.arrival_order(rows, lag_seconds=600)
    assert [r["id"] for _, r in prompt] == [str(i) for i in range(20)]  # lags < 1 h apart
    late = dedup.arrival_order(rows, late_hours=48, late_share=0.5)
    times = [t for t, _ in late]
    assert times == sorted(times) and [r["id"] for _, r in late] != [str(i) for i in range(20)]


def test_the_floor_holds_when_articles_arrive_up_to_48_hours_late():
    result = dedup.run(DATA, Console(file=None, width=120), late_hours=48)
    assert result["direct_pair_precision"] >= 0.98 and result["direct_pair_recall"] >= 0.95
    assert result["story_f1"] >= 0.9


def test_duplicate_roots_follow_chains():
    assert dedup.duplicate_roots(["a", "b", "c", "d"], {"b": "a", "c": "b"}) == ["a", "a", "a", "d"]


def test_load_orders_by_time_and_keeps_file_order_for_ties(tmp_path):
    lines = [{"id": "2", "body": "x", "published_at": "2025-01-02"},
             {"id": "1", "body": "x", "published_at": "2025-01-01"},
             {"id": "3", "body": "x"},
             {"id": "0", "body": "x", "published_at": "2025-01-01"}]
    path = tmp_path / "l.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in lines))
    assert [r["id"] for r in dedup.load_labelled(path).good] == ["1", "3", "0", "2"]


def test_bad_rows_are_reported_by_line_and_the_rest_is_scored(tmp_path):
    good = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()[:6]]
    bad = ['{"id": "e", "body": ""}', "{not json", "[1, 2]", '{"body": "no id here"}',
           '{"id": "d", "body": "x", "published_at": "not a date"}']
    lines = [json.dumps(good[0]), *bad[:3], *map(json.dumps, good[1:]), *bad[3:]]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    console = Console(record=True, width=1000)
    result = dedup.run(path, console)
    assert (result["articles"], result["bad_rows"]) == (6, 5)
    text = console.export_text()
    assert "5 bad rows skipped" in text
    for number in (2, 3, 4, 10, 11):
        assert f"line {number} (" in text
    assert "body" in text and "missing 'id'" in text and "invalid JSON" in text


def test_floor_on_committed_dev_set_and_last_line_is_json():
    console = Console(record=True, width=120)
    result = dedup.run(DATA, console)
    assert result["near_dup_precision"] >= 0.98 and result["near_dup_recall"] >= 0.95
    assert result["story_f1"] >= 0.9
    last = console.export_text().strip().splitlines()[-1]
    assert json.loads(last)["story_f1"] == result["story_f1"]
