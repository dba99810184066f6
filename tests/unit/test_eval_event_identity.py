"""`wirestream eval events-dedup`: groups told by several outlets, their canonical events,
what split them; and the whole path through the worker's stages on a small file."""

import json
from datetime import UTC, date, datetime, timedelta

from pipeline.evaluation.event_identity import candidates_in_arrival_order, score
from pipeline.steps.events.identity import make_candidates
from schemas.records import Actor, Article, Evidence, ExtractedEvent

T0 = datetime(2025, 2, 4, 10, tzinfo=UTC)


def _event(status: str = "actual", day: date | None = None) -> ExtractedEvent:
    return ExtractedEvent(source=Actor(text="Egypt", code="EGY", country="EGY"),
                          target=Actor(text="Israel", code="ISR", country="ISR"),
                          code="111", status=status, date_start=day, confidence=0.8,
                          evidence=Evidence(sentence="s", start=0, end=1))


def _pair(outlet: str, event: ExtractedEvent, story: str = "s1", hours: float = 0.0):
    article = Article(id=f"{outlet}-{hours}", source=outlet, body="x",
                      published_at=T0 + timedelta(hours=hours))
    [candidate] = make_candidates(article, [event], input_ref="r:0:0", ingest_ts=0)
    return {"story": story, "source": outlet}, candidate


def test_one_happening_told_by_three_outlets_is_one_record_or_a_split_named() -> None:
    one = score([_pair("a", _event()), _pair("b", _event()), _pair("c", _event())])
    assert (one["multi_outlet_groups"], one["events_per_group_mean"]) == (1, 1.0)
    assert one["groups_one_record"] == 1.0
    split = score([_pair("a", _event()), _pair("b", _event("negated")),
                   _pair("c", _event(day=date(2025, 2, 9)))])
    assert split["events_per_group_mean"] == 3.0 and split["groups_one_record"] == 0.0
    assert split["split_by_status"] == 1
    single_outlet = score([_pair("a", _event()), _pair("a", _event(), hours=1)])
    assert single_outlet["multi_outlet_groups"] == 0


def test_events_whose_mentions_span_days_are_counted_as_possible_over_merges() -> None:
    far = score([_pair("a", _event(day=date(2025, 2, 9))),
                 _pair("b", _event(day=date(2025, 2, 9)), hours=24 * 5)])
    assert far["events_spanning_more_than_span_days"] == 1


def test_the_stages_turn_a_small_file_into_candidates_in_publish_order() -> None:
    rows = [{"id": f"x{i}", "source": outlet, "story": "s", "body": body,
             "published_at": (T0 + timedelta(hours=i)).isoformat()}
            for i, (outlet, body) in enumerate([
                ("wire", "Egypt condemned Israel on Monday over the raid."),
                ("daily", "Egypt on Monday condemned Israel for the raid, officials said.")])]
    pairs = candidates_in_arrival_order(rows)
    assert {row["source"] for row, _ in pairs} == {"wire", "daily"}
    result = score(pairs)
    assert result["multi_outlet_groups"] >= 1 and result["groups_one_record"] == 1.0


def test_judged_pairs_count_distinct_kept_apart_and_same_merged() -> None:
    from pipeline.evaluation.event_identity import pair_scores

    told = [_pair("a", _event()), _pair("b", _event()),
            _pair("c", _event(day=date(2025, 2, 20)))]
    (_, a), (_, b), (_, c) = told

    def judged(x, y, same):
        return {"source": "EGY", "target": "ISR", "root": "11", "same": same,
                "a": {"article": x.article.id, "sentence_start": 0},
                "b": {"article": y.article.id, "sentence_start": 0}}

    scores = pair_scores([judged(a, b, True), judged(a, c, False), judged(b, c, True),
                          {**judged(a, b, True), "root": "19"}], told)
    assert scores["same_pairs"] == 2 and scores["same_merged"] == 0.5  # a-b merged, b-c not
    assert scores["distinct_pairs"] == 1 and scores["distinct_kept_apart"] == 1.0
    assert scores["pairs_not_produced"] == 1  # no such mention (root 19)


def test_the_judged_pairs_reference_real_articles_and_say_why_two_differ() -> None:
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    gold = [json.loads(line) for line in
            (root / "tests/data/gold/event-pairs.jsonl").read_text().splitlines()]
    corpus = root.parent / "shared" / "corpora" / "world-news-2015-2020.jsonl"
    bodies = {r["id"]: r for r in map(json.loads, corpus.read_text().splitlines())}
    assert len(gold) >= 70 and {g["same"] for g in gold} == {True, False}
    for judged in gold:
        for side in ("a", "b"):
            ref = judged[side]
            assert ref["article"] in bodies
            assert 0 <= ref["sentence_start"] < len(bodies[ref["article"]]["body"])
        assert judged["same"] or judged["note"]  # a distinct pair says what the two are


def test_a_judged_pair_missing_a_field_is_reported_not_scored(tmp_path) -> None:
    from pipeline.evaluation.event_identity import load_pairs

    good = {"source": "EGY", "target": "ISR", "root": "11", "same": True,
            "a": {"article": "x", "sentence_start": 0}, "b": {"article": "y", "sentence_start": 0}}
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join([json.dumps(good), json.dumps({**good, "b": {"article": "y"}})]))
    rows = load_pairs(path)
    assert rows.good == [good] and [n for n, _ in rows.bad] == [2]
