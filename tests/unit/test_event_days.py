"""Event days across outlets (`pipeline/steps/events/days.py`): a mention of a story's
(source, target, root) takes the day and status of another article's event when it is close."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

from pipeline.steps.article_dedup.article_index import ArticleIndex
from pipeline.steps.events.days import MAX_RECORDED_PER_ARTICLE, EventDays, own_day
from schemas.records import Article

D = date(2025, 2, 4)
MEETING = ("USAGOV", "PRKGOV", "04")


def _meeting(stated: date | None = None, status: str = "actual", until: date | None = None):
    return (*MEETING, (stated, until or stated) if stated else None, status)


def _days(days: EventDays, article: str, story: str, mentions) -> list[date]:
    return [day for day, _ in days.resolve(article, story, mentions, D)[0]]


def _known(*mentions, story: str = "s") -> EventDays:
    days = EventDays()
    days.add("a", story, days.resolve("a", story, list(mentions), D)[1])
    return days


def test_the_own_day_is_a_stated_date_far_from_the_reference_else_the_reference():
    assert own_day(None, D) == (D, False)
    day_before, three_before = D - timedelta(days=1), D - timedelta(days=3)
    assert own_day((day_before, day_before), D) == (D, True)  # a day off: the reference
    assert own_day((three_before, three_before), D) == (three_before, True)


def test_a_stated_period_is_never_firm_and_holds_the_reference_day_it_contains():
    week = (D - timedelta(days=5), D + timedelta(days=1))  # "this week"
    assert own_day(week, D) == (D, False)
    last_month = (D - timedelta(days=40), D - timedelta(days=12))
    assert own_day(last_month, D) == (last_month[0], False)


def test_a_period_joins_a_known_day_inside_it():
    thursday = D - timedelta(days=9)  # a strike "on Thursday", reported days later
    days = _known(_meeting(thursday))
    # another outlet, later: "the strikes last week" (Monday to Sunday around Thursday)
    last_week = (thursday - timedelta(days=3), thursday + timedelta(days=3))
    assert _days(days, "b", "s", [_meeting(last_week[0], until=last_week[1])]) == [thursday]
    # a period elsewhere is its own event
    earlier = (thursday - timedelta(days=40), thursday - timedelta(days=20))
    assert _days(days, "b", "s", [_meeting(earlier[0], until=earlier[1])]) == [earlier[0]]


def test_an_undated_report_and_a_dated_one_days_apart_are_one_event():
    found, added = EventDays().resolve("a", "s", [_meeting()], D)
    assert found == [(D, "actual")] and added == [(*MEETING, D.isoformat(), False, "actual")]
    days = _known(_meeting())
    sunday = D - timedelta(days=2)  # another outlet: "on Sunday", two days before
    assert _days(days, "b", "s", [_meeting(sunday)]) == [D]
    # ... but not in another story, nor with another root
    assert _days(days, "b", "t", [_meeting(sunday)]) == [sunday]
    assert _days(days, "b", "s", [("USAGOV", "PRKGOV", "19", (sunday, sunday), "actual")]) \
        == [sunday]


def test_two_stated_dates_two_days_apart_stay_two_events():
    monday, wednesday = D - timedelta(days=3), D - timedelta(days=5)
    days = _known(_meeting(monday))
    assert _days(days, "b", "s", [_meeting(wednesday)]) == [wednesday]
    assert _days(days, "b", "s", [_meeting(monday - timedelta(days=1))]) == [monday]


def test_a_later_stage_joins_the_planned_event_and_a_threat_stays_apart():
    days = _known(_meeting(status="planned"))
    assert days.resolve("b", "s", [_meeting()], D)[0] == [(D, "planned")]  # "met" after
    assert days.resolve("b", "s", [_meeting(status="threatened")], D)[0] == \
        [(D, "threatened")]
    # its own status first: a copy's "met" and "will meet" keep to their own events
    both = _known(_meeting(), _meeting(status="planned"))
    assert both.resolve("b", "s", [_meeting(), _meeting(status="planned")], D)[0] == \
        [(D, "actual"), (D, "planned")]


def test_an_articles_own_mentions_never_join_each_other_and_days_go_with_their_article():
    sunday = D - timedelta(days=2)
    found, added = EventDays().resolve("a", "s", [_meeting(), _meeting(sunday),
                                                  _meeting(status="planned")], D)
    assert found == [(D, "actual"), (sunday, "actual"), (D, "planned")] and len(added) == 3
    days = _known(_meeting(), _meeting(sunday))
    assert _days(days, "a", "s", [_meeting(sunday)]) == [sunday]  # a re-delivery: the same
    days.remove("a")
    assert len(days) == 0
    assert _days(days, "b", "s", [_meeting(sunday)]) == [sunday]


def test_an_article_records_a_bounded_number_of_days():
    mentions = [(f"C{i}", "USA", "04", None, "actual") for i in range(500)]
    found, added = EventDays().resolve("a", "s", mentions, D)
    assert len(found) == 500 and len(added) == MAX_RECORDED_PER_ARTICLE


T0 = datetime(2025, 2, 4, tzinfo=UTC)
NAMES = "Zorblat Quixlandia Mirvost Tavrenko Oblask Dunmerrow"


def _art(aid: str, body: str, hours: float) -> Article:
    return Article(id=aid, source=aid, title="Zorblat shells Mirvost", body=body,
                   published_at=T0 + timedelta(hours=hours))


def test_the_article_index_keys_a_later_outlets_report_by_the_storys_event():
    index = ArticleIndex({})
    first = index.decide(_art("a", f"{NAMES}. Zorblat troops shelled Mirvost in Quixlandia, "
                                   "Tavrenko said.", 2), mentions=[_meeting(status="planned")])
    assert first.days == ((D, "planned"),)
    body = (f"{NAMES}. Residents of Mirvost counted damage as Oblask and Dunmerrow called on "
            "Zorblat and Tavrenko to stop.")
    mentions = [_meeting(D - timedelta(days=2)), _meeting(D + timedelta(days=6))]
    later = index.decide(_art("b", body, 26), mentions=mentions)
    assert later.story_id == first.story_id and later.duplicate_of is None
    # joined the planned meeting; six days on: its own event
    assert later.days == ((D, "planned"), (D + timedelta(days=6), "actual"))
    # recovery: the days are rebuilt from the stored entries
    restored = ArticleIndex(copy.deepcopy(index.store))
    assert restored.decide(_art("b", body, 26), mentions=mentions) == later
