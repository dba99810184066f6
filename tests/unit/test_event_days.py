"""Event days across outlets (`pipeline/steps/events/days.py`): a mention of a story's
(source, target, root) takes a day another article's mention was keyed by when it is close."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

from pipeline.steps.article_dedup.article_index import ArticleIndex
from pipeline.steps.events.days import EventDays, own_day
from schemas.records import Article

D = date(2025, 2, 4)
MEETING = ("USAGOV", "PRKGOV", "04")


def test_the_own_day_is_a_stated_date_far_from_the_reference_else_the_reference():
    assert own_day(None, D) == (D, False)
    assert own_day(D - timedelta(days=1), D) == (D, True)  # a day off: the reference, firm
    assert own_day(D - timedelta(days=3), D) == (D - timedelta(days=3), True)


def test_an_undated_report_and_a_dated_one_days_apart_are_one_event():
    days = EventDays()
    found, added = days.resolve("a", "s", [(*MEETING, None)], D)
    assert found == [D] and added == [(*MEETING, D.isoformat(), False)]
    days.add("a", "s", added)
    # another outlet: "on Sunday", two days before the story's day
    assert days.resolve("b", "s", [(*MEETING, D - timedelta(days=2))], D)[0] == [D]
    # ... but not in another story, nor with other actors or another root
    assert days.resolve("b", "t", [(*MEETING, D - timedelta(days=2))], D)[0] == \
        [D - timedelta(days=2)]
    assert days.resolve("b", "s", [("USAGOV", "PRKGOV", "19", D - timedelta(days=2))],
                        D)[0] == [D - timedelta(days=2)]


def test_two_stated_dates_two_days_apart_stay_two_events():
    days = EventDays()
    monday, wednesday = D - timedelta(days=3), D - timedelta(days=5)
    days.add("a", "s", days.resolve("a", "s", [(*MEETING, monday)], D)[1])
    assert days.resolve("b", "s", [(*MEETING, wednesday)], D)[0] == [wednesday]
    assert days.resolve("b", "s", [(*MEETING, monday - timedelta(days=1))], D)[0] == [monday]


def test_an_articles_own_mentions_never_join_each_other_and_days_go_with_their_article():
    days = EventDays()
    found, added = days.resolve("a", "s", [(*MEETING, None), (*MEETING, D - timedelta(days=2))],
                                D)
    assert found == [D, D - timedelta(days=2)] and len(added) == 2
    days.add("a", "s", added)
    assert days.resolve("a", "s", [(*MEETING, D - timedelta(days=2))], D)[0] == \
        [D - timedelta(days=2)]  # a re-delivery answers the same
    days.remove("a")
    assert len(days) == 0
    assert days.resolve("b", "s", [(*MEETING, D - timedelta(days=2))], D)[0] == \
        [D - timedelta(days=2)]


def test_an_article_records_a_bounded_number_of_days():
    from pipeline.steps.events.days import MAX_RECORDED_PER_ARTICLE

    mentions = [(f"C{i}", "USA", "04", None) for i in range(500)]
    found, added = EventDays().resolve("a", "s", mentions, D)
    assert found == [D] * 500 and len(added) == MAX_RECORDED_PER_ARTICLE


T0 = datetime(2025, 2, 4, tzinfo=UTC)
NAMES = "Zorblat Quixlandia Mirvost Tavrenko Oblask Dunmerrow"


def _art(aid: str, body: str, hours: float) -> Article:
    return Article(id=aid, source=aid, title="Zorblat shells Mirvost", body=body,
                   published_at=T0 + timedelta(hours=hours))


def test_the_article_index_keys_a_later_outlets_dated_report_by_the_storys_day():
    index = ArticleIndex({})
    first = index.decide(_art("a", f"{NAMES}. Zorblat troops shelled Mirvost in Quixlandia, "
                                   "Tavrenko said.", 2), mentions=[(*MEETING, None)])
    assert first.days == (D,)
    body = (f"{NAMES}. Residents of Mirvost counted damage as Oblask and Dunmerrow called on "
            "Zorblat and Tavrenko to stop.")
    two_days_earlier = D - timedelta(days=2)
    later = index.decide(_art("b", body, 26), mentions=[(*MEETING, two_days_earlier),
                                                        (*MEETING, D + timedelta(days=6))])
    assert later.story_id == first.story_id and later.duplicate_of is None
    assert later.days == (D, D + timedelta(days=6))  # joined; too far: its own
    # recovery: the days are rebuilt from the stored entries
    restored = ArticleIndex(copy.deepcopy(index.store))
    assert restored.decide(_art("b", body, 26), mentions=[
        (*MEETING, two_days_earlier), (*MEETING, D + timedelta(days=6))]) == later
