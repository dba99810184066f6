"""ArticleIndex: duplicate/new decisions, stories, idempotence, expiry, rebuild."""

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline.steps.article_dedup.article_index import ArticleIndex
from schemas.records import Article
from tests.support.variants import (
    make_variant,
    seeded,
    synthetic_article,
    synthetic_vocabulary,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "dedup-dev.jsonl"
T0 = datetime(2025, 2, 4, tzinfo=UTC)
HOUR = 3600.0


def art(aid: str, body: str, hours: float = 0.0, title: str = "t") -> Article:
    return Article(id=aid, source="s", title=title, body=body,
                   published_at=T0 + timedelta(hours=hours))


def bodies(n: int, seed: int = 5) -> list[str]:
    rng = seeded(seed)
    vocab = synthetic_vocabulary(rng)
    return [synthetic_article(rng, vocab)[1] for _ in range(n)]


def test_exact_copy_is_duplicate_with_similarity_one():
    body = bodies(1)[0]
    index = ArticleIndex({})
    assert index.decide(art("a", body)).duplicate_of is None
    decision = index.decide(art("b", body.upper().replace(".", " !"), 1, title="other"))
    assert (decision.duplicate_of, decision.similarity) == ("a", 1.0)
    assert decision.story_id == index.store["a"]["story"]
    assert decision.reference_published_at == T0


def test_near_duplicate_joins_original_and_new_article_does_not():
    first, other = bodies(2)
    index = ArticleIndex({})
    index.decide(art("a", first))
    _, variant = make_variant("t", first, ["trim", "typos", "boilerplate"], seeded(1))
    decision = index.decide(art("b", variant, 2))
    assert decision.duplicate_of == "a" and 0.25 < decision.similarity < 1.0
    fresh = index.decide(art("c", other, 3))
    assert fresh.duplicate_of is None
    assert set(index.store) == {"a", "c"}  # duplicates are not stored


def test_an_earlier_published_copy_arriving_later_takes_over_as_the_original():
    body = bodies(1)[0]
    index = ArticleIndex({})
    first = index.decide(art("syndicated", body, hours=2))  # announced first
    assert first.duplicate_of is None and first.supersedes is None
    earlier = index.decide(art("wire", body.replace(".", " ."), hours=0))
    assert (earlier.duplicate_of, earlier.supersedes) == (None, "syndicated")
    assert earlier.story_id == first.story_id
    # Its events keep the day already announced: no event is announced twice.
    assert earlier.reference_published_at == first.reference_published_at == T0 + timedelta(hours=2)
    later = index.decide(art("third", body, hours=5))
    assert (later.duplicate_of, later.story_id) == ("wire", first.story_id)
    assert later.reference_published_at == T0 + timedelta(hours=2)
    # A re-delivery answers the same; a restart (store only) decides the same.
    assert index.decide(art("wire", body, hours=0)) == earlier
    restored = ArticleIndex(copy.deepcopy(index.store))
    assert restored.decide(art("fourth", body, hours=6)).duplicate_of == "wire"
    assert restored.decide(art("syndicated", body, hours=2)) == first


def test_a_copy_published_at_the_same_time_leaves_the_first_arrival_original():
    body = bodies(1)[0]
    index = ArticleIndex({})
    index.decide(art("a", body, hours=1))
    decision = index.decide(art("b", body, hours=1))
    assert (decision.duplicate_of, decision.supersedes) == ("a", None)


def test_redelivery_is_idempotent():
    body, other = bodies(2)
    index = ArticleIndex({})
    first = index.decide(art("a", body))
    again = index.decide(art("a", body))
    assert again.duplicate_of is None and again.story_id == first.story_id
    dup = index.decide(art("b", body, 1))
    assert index.decide(art("b", body, 1)) == dup
    assert len(index.store) == 1


def test_expiry_is_by_event_time_and_duplicates_need_the_window():
    body = bodies(1)[0]
    index = ArticleIndex({}, window_seconds=10 * HOUR)
    index.decide(art("a", body))
    assert index.expire(index.clock) == 0
    index.decide(art("z", bodies(1, seed=9)[0], 11))
    assert index.expire(index.clock) == 1
    assert "a" not in index.store and len(index) == 1
    assert index.decide(art("b", body, 12)).duplicate_of is None


def test_a_backfill_next_to_a_live_feed_keeps_both_and_an_outlier_moves_nothing():
    # Publish dates 20 years apart arriving side by side, plus one article dated 10 years
    # ahead: expiry runs on arrival, so every copy still finds its original.
    texts = bodies(41)
    index = ArticleIndex({}, window_seconds=72 * HOUR)
    now = (T0 + timedelta(days=7000)).timestamp()
    for i in range(20):
        index.decide(art(f"old{i}", texts[i], hours=-24 * 365 * 20 + i), arrived_ts=now + i)
        index.decide(art(f"new{i}", texts[20 + i], hours=i), arrived_ts=now + i + 0.5)
        index.expire(index.clock)
    index.decide(art("future", texts[40], hours=24 * 365 * 10), arrived_ts=now + 30)
    assert index.expire(index.clock) == 0 and len(index) == 41
    for i in range(20):
        assert index.decide(art(f"old-copy{i}", texts[i], hours=-24 * 365 * 20 + i + 5),
                            arrived_ts=now + 40).duplicate_of == f"old{i}"
        assert index.decide(art(f"new-copy{i}", texts[20 + i], hours=i + 5),
                            arrived_ts=now + 40).duplicate_of == f"new{i}"
    # Matching stays by publish time: a copy dated outside the window is new.
    assert index.decide(art("late", texts[0], hours=-24 * 365 * 20 + 200),
                        arrived_ts=now + 41).duplicate_of is None
    # And arrival time does expire: three days of arrivals later, the old entries are gone.
    index.decide(art("tick", bodies(1, seed=8)[0], hours=80), arrived_ts=now + 80 * HOUR)
    assert index.expire(index.clock) == 42 and set(index.store) == {"tick"}


def test_entries_stay_for_the_allowed_lateness_beyond_the_window():
    body = bodies(1)[0]
    index = ArticleIndex({}, window_seconds=10 * HOUR, lateness_seconds=48 * HOUR)
    index.decide(art("a", body), arrived_ts=0.0)
    index.decide(art("tick", bodies(1, seed=3)[0], hours=50), arrived_ts=50 * HOUR)
    assert index.expire(index.clock) == 0  # 50 h after it arrived: within 10 + 48 h
    late_copy = index.decide(art("b", body, hours=5), arrived_ts=55 * HOUR)
    assert late_copy.duplicate_of == "a"
    index.decide(art("tock", bodies(1, seed=4)[0], hours=60), arrived_ts=60 * HOUR)
    assert index.expire(index.clock) == 1 and "a" not in index.store


def test_the_index_holds_at_most_max_entries_the_earliest_arrivals_going_first():
    texts = bodies(30)
    index = ArticleIndex({}, max_entries=10)
    for i, text in enumerate(texts):
        index.decide(art(f"a{i}", text, hours=-i), arrived_ts=1000.0 + i)  # dates descending
        index.expire(index.clock)
        assert len(index) == len(index.store) <= 10
    assert set(index.store) == {f"a{i}" for i in range(20, 30)}


def test_state_stays_flat_over_a_long_stream():
    texts = bodies(300)
    index = ArticleIndex({}, window_seconds=5 * HOUR)
    sizes = []
    for i in range(3000):
        index.decide(art(f"id{i}", texts[i % 300] + f" marker{i}", hours=i * 0.1))
        index.expire(index.clock)
        sizes.append((len(index.store), len(index), index.story_count, len(index._expiry)))
    late = sizes[1000:]
    assert max(s[0] for s in late) <= 52
    assert max(s[0] for s in late) == max(s[0] for s in sizes[500:1000])
    assert all(s[1] == s[0] and s[3] == s[0] for s in late)
    assert max(s[2] for s in late) <= 52


def test_rebuild_from_store_gives_the_same_decisions():
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    articles = [Article.model_validate(r) for r in rows]
    head, tail = articles[:12], articles[12:]
    live = ArticleIndex({})
    for a in head:
        live.decide(a)
    restored = ArticleIndex(copy.deepcopy(live.store))  # a restart: store survives, indices not
    assert len(restored) == len(live) and restored.story_count == live.story_count
    for a in tail:
        assert restored.decide(a) == live.decide(a)
    assert json.dumps(live.store, sort_keys=True) == json.dumps(restored.store, sort_keys=True)


def test_rebuild_reproduces_event_time_decay_decisions():
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    articles = [Article.model_validate({**r, "published_at": T0 + timedelta(hours=9 * i)})
                for i, r in enumerate(rows)]  # spread over 9 days: stories go idle
    live = ArticleIndex({})
    for a in articles[:14]:
        live.decide(a)
        live.expire(live.clock)
    restored = ArticleIndex(copy.deepcopy(live.store))
    for a in articles[14:]:
        assert restored.decide(a) == live.decide(a)
        assert restored.expire(restored.clock) == live.expire(live.clock)
    assert json.dumps(live.store, sort_keys=True) == json.dumps(restored.store, sort_keys=True)


def test_undated_events_of_a_story_are_keyed_by_its_first_day_within_two_days():
    names = "Zorblat Quixlandia Mirvost Tavrenko Oblask Dunmerrow"
    first = f"{names}. Zorblat troops shelled Mirvost in Quixlandia, Tavrenko said."
    index = ArticleIndex({})
    opened = index.decide(art("a", first, hours=20, title="Zorblat shells Mirvost"))
    assert opened.reference_published_at == T0 + timedelta(hours=20)
    texts = {30: f"{names}. Residents of Mirvost counted damage as Oblask and Dunmerrow "
                 "called on Zorblat and Tavrenko to stop.",
             70: f"{names}. Three days on, aid convoys reached Mirvost while Tavrenko met "
                 "envoys from Oblask; Dunmerrow offered talks to Zorblat."}
    next_day = index.decide(art("b", texts[30], hours=30, title="Mirvost after shelling"))
    assert next_day.duplicate_of is None and next_day.story_id == opened.story_id
    assert next_day.reference_published_at == T0 + timedelta(hours=20)  # the story's day
    assert index.decide(art("b", texts[30], hours=30)).reference_published_at == \
        next_day.reference_published_at  # a re-delivery answers the same
    later = index.decide(art("c", texts[70], hours=70, title="Mirvost after shelling"))
    assert later.story_id == opened.story_id
    assert later.reference_published_at == T0 + timedelta(hours=70)  # beyond two days: its own
    restored = ArticleIndex(copy.deepcopy(index.store))
    assert restored.decide(art("b", texts[30], hours=30)) == next_day
