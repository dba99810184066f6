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


def test_event_id_differs_by_root_status_and_a_day_further_than_the_next():
    base = canonical_event_id(event(), DAY)
    assert base != canonical_event_id(event("120"), DAY)
    for status in ("planned", "expected", "negated", "threatened", "conditional"):
        assert base != canonical_event_id(event().model_copy(update={"status": status}), DAY)
    assert base != canonical_event_id(event(day=date(2025, 2, 6)), DAY)
    assert base != canonical_event_id(event(), date(2025, 2, 6))


def test_outlets_telling_one_happening_differently_share_its_id():
    base = canonical_event_id(event(), DAY)
    # Washington, the US, or no place at all; "on Wednesday" in a report keyed by Tuesday.
    assert base == canonical_event_id(event(where="QAT"), DAY)
    assert base == canonical_event_id(event(where=None), DAY)
    assert base == canonical_event_id(event(day=date(2025, 2, 5)), DAY)


def test_a_stated_date_further_away_wins_over_the_reference_day():
    on_fri = event(day=date(2025, 2, 7))
    assert canonical_event_id(on_fri, DAY) == canonical_event_id(on_fri, date(2025, 2, 10))
    assert canonical_event_id(on_fri, DAY) == canonical_event_id(event(), date(2025, 2, 7))


def test_later_mentions_fill_in_what_the_first_did_not_say():
    [vague] = make_candidates(article("a"), [event(where=None)], input_ref="r:0:1",
                              ingest_ts=0)
    [placed] = make_candidates(article("b", "daily"), [event(day=date(2025, 2, 4))],
                               input_ref="r:0:2", ingest_ts=0)
    [other] = make_candidates(article("c", "post"), [event(where="QAT")], input_ref="r:0:3",
                              ingest_ts=0)
    assert vague.event_id == placed.event_id == other.event_id
    agg, _ = merge_mention(None, vague, max_article_refs=5)
    assert agg.event.location is None and agg.event.date_start is None
    agg, _ = merge_mention(agg, placed, max_article_refs=5)
    assert agg.event.location is not None and agg.event.location.country == "USA"
    assert agg.event.date_start == date(2025, 2, 4)
    agg, _ = merge_mention(agg, other, max_article_refs=5)  # the first place stays
    assert agg.event.location.country == "USA"


def test_a_planned_event_becomes_actual_when_a_later_mention_reports_it_happened():
    planned = event().model_copy(update={"status": "planned"})
    [will] = make_candidates(article("a"), [planned], input_ref="r:0:1", ingest_ts=0)
    # the article-dedup stage keyed the later "met" by the planned event (days.EventDays)
    [met] = make_candidates(article("b", "daily"), [event()], input_ref="r:0:2", ingest_ts=0,
                            days=[(DAY, "planned")])
    assert met.event_id == will.event_id and met.event.status == "actual"
    agg, _ = merge_mention(None, will, max_article_refs=5)
    assert agg.event.status == "planned"
    agg, _ = merge_mention(agg, met, max_article_refs=5)
    assert agg.event.status == "actual" and agg.num_mentions == 2
    threatened = event().model_copy(update={"status": "threatened"})
    [threat] = make_candidates(article("c"), [threatened], input_ref="r:0:3", ingest_ts=0)
    assert merge_mention(None, threat, max_article_refs=5)[0].event.status == "threatened"


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


def test_merging_leaves_the_aggregate_it_was_given_as_it_was():
    # merge_mention copies shallowly (speed): it must rebuild, never extend, shared lists.
    [c1] = make_candidates(article("a", "wire"), [event(where=None)], input_ref="r:0:1",
                           ingest_ts=0)
    [c2] = make_candidates(article("b", "daily"), [event()], input_ref="r:0:2", ingest_ts=0)
    first, _ = merge_mention(None, c1, max_article_refs=5)
    before = first.model_dump()
    second, _ = merge_mention(first, c2, max_article_refs=5)
    assert first.model_dump() == before
    assert [r.id for r in second.articles] == ["a", "b"] and second.sources == ["wire", "daily"]
    assert second.event.location is not None and first.event.location is None
