from datetime import UTC, date, datetime, timedelta

from pipeline.steps.events.aggregate import merge_mention
from pipeline.steps.events.identity import canonical_event_id, make_candidates
from schemas.records import Actor, Article, Evidence, ExtractedEvent, Location

T0 = datetime(2025, 2, 4, 10, tzinfo=UTC)


def article(id_: str, source: str = "wire", when: datetime = T0) -> Article:
    return Article(id=id_, source=source, body="x", published_at=when)


def event(code: str = "040", start: int = 0, day: date | None = None,
          where: str | None = "USA") -> ExtractedEvent:
    return ExtractedEvent(
        source=Actor(text="Netanyahu", code="ISRGOV", country="ISR", role="GOV"),
        target=Actor(text="Trump", code="USAGOV", country="USA", role="GOV"),
        code=code, evidence=Evidence(sentence="s", start=start, end=start + 1),
        location=Location(name="Washington", country=where) if where else None,
        date_start=day, confidence=0.8,
    )


DAY = T0.date()


def test_event_id_is_stable_across_wording_details():
    assert canonical_event_id(event("040"), DAY) == canonical_event_id(event("043", 50), DAY)


def test_event_id_differs_by_root_status_day_and_place():
    base = canonical_event_id(event(), DAY)
    assert base != canonical_event_id(event("120"), DAY)
    assert base != canonical_event_id(event().model_copy(update={"status": "planned"}), DAY)
    assert base != canonical_event_id(event(day=date(2025, 2, 5)), DAY)
    assert base != canonical_event_id(event(where="QAT"), DAY)


def test_stated_date_wins_over_reference_day():
    on_wed = event(day=date(2025, 2, 5))
    assert canonical_event_id(on_wed, DAY) == canonical_event_id(on_wed, date(2025, 2, 7))


def test_copy_published_later_maps_to_its_originals_events():
    late_copy = article("copy", when=T0 + timedelta(days=1))
    [c] = make_candidates(late_copy, [event()], input_ref="r:0:9", ingest_ts=0,
                          reference_day=DAY, story_id="s1")
    [o] = make_candidates(article("orig"), [event()], input_ref="r:0:1", ingest_ts=0)
    assert c.event_id == o.event_id
    assert c.story_id == "s1"


def test_mentions_merge_with_counts_and_redelivery_is_not_counted():
    [c1] = make_candidates(article("a", "wire"), [event()], input_ref="r:0:1", ingest_ts=0)
    [c2] = make_candidates(article("b", "daily", T0 + timedelta(hours=2)), [event()],
                           input_ref="r:0:2", ingest_ts=0)
    [c3] = make_candidates(article("b", "daily"), [event(start=90)], input_ref="r:0:2",
                           ingest_ts=0)
    assert c1.event_id == c2.event_id == c3.event_id
    agg, counted = merge_mention(None, c1, max_article_refs=5)
    assert counted and agg.num_mentions == 1 and agg.revision == 1
    agg, counted = merge_mention(agg, c2, max_article_refs=5)
    assert counted
    assert (agg.num_mentions, agg.num_articles, agg.num_sources) == (2, 2, 2)
    assert agg.last_seen == T0 + timedelta(hours=2)
    agg, counted = merge_mention(agg, c2, max_article_refs=5)  # redelivered
    assert not counted and agg.num_mentions == 2 and agg.revision == 2
    agg, _ = merge_mention(agg, c3, max_article_refs=5)  # same article, another sentence
    assert (agg.num_mentions, agg.num_articles) == (3, 2)


def test_article_refs_are_bounded():
    agg = None
    for i in range(10):
        [c] = make_candidates(article(f"a{i}"), [event()], input_ref=f"r:0:{i}", ingest_ts=0)
        agg, _ = merge_mention(agg, c, max_article_refs=3)
    assert agg.num_articles == 10
    assert [r.id for r in agg.articles] == ["a0", "a1", "a2"]
