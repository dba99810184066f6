"""Story features and clustering."""

import json
from pathlib import Path

from pipeline.steps.article_dedup import stories

DATA = Path(__file__).resolve().parents[1] / "data" / "dedup-dev.jsonl"


def rows():
    return [json.loads(line) for line in DATA.read_text().splitlines()]


def test_features_are_a_unit_vector_of_rare_words():
    vec = stories.features("Quake hits Valdoria", "The quake in Valdoria was strong, the "
                           "minister Brandvik said. The the the.")
    assert "the" not in vec and "said" not in vec
    assert sum(w * w for w in vec.values()) == __import__("pytest").approx(1.0, abs=1e-3)
    assert vec["valdoria"] > vec["minister"] > 0
    assert "strong" not in vec  # common words carry no event signal


def test_story_id_is_stable():
    assert stories.story_id_for("a1") == stories.story_id_for("a1") != stories.story_id_for("a2")


def test_outlets_on_one_event_share_a_story_and_events_stay_apart():
    index = stories.StoryIndex()
    assigned: dict[str, set[str]] = {}
    for row in rows():
        if "-copy" in row["id"]:
            continue
        vec = stories.features(row["title"], row["body"])
        story = index.assign(row["id"], vec)
        index.add(row["id"], story, vec)
        assigned.setdefault(row["story"], set()).add(story)
    assert all(len(ids) == 1 for ids in assigned.values())
    assert len(set().union(*assigned.values())) == 4


def test_remove_empties_story_state():
    index = stories.StoryIndex()
    vec = stories.features("Launch", "Zephyra satellite launched from Cape Lorne by Aurelia")
    index.add("x", "st-1", vec)
    assert index.story_count == 1
    assert index.remove("x", vec)
    assert index.story_count == 0 and len(index) == 0
    assert index._postings == {}
    assert index.best_story(vec) is None


def test_plurals_fold_onto_their_stem_but_names_do_not():
    vec = stories.features("", "The missiles flew. One missile fell near Williams and Reuters "
                           "reported the rockets.")
    assert "missile" in vec and "missiles" not in vec
    assert "rocket" in vec and "rockets" not in vec
    assert "williams" in vec and "reuters" in vec
    assert stories.stem("analysis") == "analysis" and stories.stem("countries") == "country"


def test_headline_and_lede_words_weigh_more_than_the_same_words_later():
    filler = " ".join(["Brandvik said nothing new about the harbour at Ostmark."] * 12)
    early = stories.features("", "Zephyra quake. " + filler + " Valdoria.")
    assert early["zephyra"] > early["valdoria"]


def test_an_idle_story_stops_attracting_reports_after_the_grace_period():
    vec = stories.features("Quake hits Valdoria", "The Valdoria quake, said minister Brandvik")
    index = stories.StoryIndex()
    index.add("a", "st-1", vec, ts=0.0)
    day = 24 * 3600.0
    assert index.best_story(vec, ts=0.9 * day)[0] == "st-1"  # within the grace: no decay
    assert index.best_story(vec, ts=1.5 * day)[1] < index.best_story(vec, ts=day)[1]
    assert index.best_story(vec, ts=3 * day) is None
    assert index.best_story(vec)[0] == "st-1"  # no publish time, no decay
    index.add("b", "st-1", vec, ts=2.5 * day)  # a new member refreshes the story
    assert index.best_story(vec, ts=3 * day)[0] == "st-1"


def test_a_report_published_long_before_a_story_does_not_join_it_when_it_arrives_late():
    # A backlog or a partition lagging behind delivers an article published years before
    # the story it resembles: it fades as one published years after would (it used not to:
    # only a later publish time decayed, and old reports joined today's stories).
    vec = stories.features("Quake hits Valdoria", "The Valdoria quake, said minister Brandvik")
    index = stories.StoryIndex()
    day = 24 * 3600.0
    index.add("a", "st-1", vec, ts=400 * day)
    index.add("b", "st-1", vec, ts=401 * day)
    assert index.best_story(vec, ts=400.5 * day)[0] == "st-1"  # inside its span
    assert index.best_story(vec, ts=399.5 * day)[0] == "st-1"  # within the grace before it
    assert index.best_story(vec, ts=397 * day) is None
    assert index.best_story(vec, ts=10 * day) is None


def test_members_share_vectors_without_changing_them():
    # The index keeps the caller's vectors by reference (memory): adding and removing
    # members must leave them as they were and the centroid must follow the live members.
    index = stories.StoryIndex()
    a = stories.features("Launch", "Zephyra satellite launched from Cape Lorne by Aurelia")
    b = stories.features("Launch", "Aurelia's Zephyra rocket lifted off from Cape Lorne")
    a_before, b_before = dict(a), dict(b)
    index.add("a", "st-1", a)
    index.add("b", "st-1", b)
    assert a == a_before and b == b_before
    assert index.best_story(b) is not None
    index.remove("a", a)
    assert a == a_before and b == b_before
    story = index._stories["st-1"]
    assert story.centroid == __import__("pytest").approx(b)
    assert story.squares == __import__("pytest").approx(sum(w * w for w in b.values()))
    # Each term's posting is back to the lone story id it started as.
    assert set(index._postings) == set(b) and set(index._postings.values()) == {"st-1"}
    index.remove("b", b)
    assert index._postings == {} and index.story_count == 0


def test_the_surface_form_cache_stays_bounded_and_changes_no_vector(monkeypatch):
    title, body = "Storm hits coast", "Storms hit the Coast of Kent. " * 5 + "Kent's mayor spoke."
    fresh = stories.features(title, body)
    monkeypatch.setattr(stories, "_MAX_FORMS", 3)
    stories._FORMS.clear()
    assert stories.features(title, body) == fresh  # filled, cleared and refilled mid-article
    assert len(stories._FORMS) <= 3
    stories._FORMS.clear()
