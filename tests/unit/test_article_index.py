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
    assert index.expire(index.watermark) == 0
    index.decide(art("z", bodies(1, seed=9)[0], 11))
    assert index.expire(index.watermark) == 1
    assert "a" not in index.store and len(index) == 1
    assert index.decide(art("b", body, 12)).duplicate_of is None


def test_state_stays_flat_over_a_long_stream():
    texts = bodies(300)
    index = ArticleIndex({}, window_seconds=5 * HOUR)
    sizes = []
    for i in range(3000):
        index.decide(art(f"id{i}", texts[i % 300] + f" marker{i}", hours=i * 0.1))
        index.expire(index.watermark)
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
        live.expire(live.watermark)
    restored = ArticleIndex(copy.deepcopy(live.store))
    for a in articles[14:]:
        assert restored.decide(a) == live.decide(a)
        assert restored.expire(restored.watermark) == live.expire(live.watermark)
    assert json.dumps(live.store, sort_keys=True) == json.dumps(restored.store, sort_keys=True)
