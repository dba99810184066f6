from pipeline import topics as T


def test_article_stage_and_its_changelog_are_single_partition():
    specs = {s.name: s for s in T.topic_specs("p.", "app", partitions=6)}
    assert specs["p.articles.valid"].partitions == 1
    assert specs[T.changelog_topic("app", T.TABLE_ARTICLE_INDEX)].partitions == 1
    assert specs[T.changelog_topic("app", T.TABLE_EVENT_STATE)].partitions == 6
    assert specs["p.events.candidates"].partitions == 6


def test_every_topic_is_specified_once_and_state_topics_are_compacted():
    specs = T.topic_specs("", "wirestream", partitions=4)
    names = [s.name for s in specs]
    assert len(names) == len(set(names)) == len(T.ALL_TOPICS) + len(T.TABLES)
    compacted = {s.name for s in specs if s.compacted}
    assert {"events.enriched", "articles.outcomes"} <= compacted
    assert all(T.changelog_topic("wirestream", t) in compacted for t in T.TABLES)
    assert "articles.raw" not in compacted


def test_quad_topics_exist_only_when_routed_and_are_compacted():
    plain = {s.name for s in T.topic_specs("p.", "app", partitions=4)}
    routed = {s.name: s for s in T.topic_specs("p.", "app", partitions=4, quad_topics=True)}
    quads = {f"p.events.quad.{q}" for q in (1, 2, 3, 4)}
    assert not quads & plain and set(routed) == plain | quads
    assert all(routed[name].compacted and routed[name].partitions == 4 for name in quads)
    assert T.quad_topic(1) == "events.quad.1" and T.quad_topic(4) == "events.quad.4"
