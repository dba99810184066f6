from datetime import UTC, datetime, timedelta

from pipeline.steps.article_dedup import check_article, content_fingerprint
from schemas.records import Article

T0 = datetime(2025, 2, 4, 10, tzinfo=UTC)
WINDOW = 72 * 3600


def article(id_: str, body: str, when: datetime = T0, title: str = "t") -> Article:
    return Article(id=id_, source="s", title=title, body=body, published_at=when)


def test_fingerprint_ignores_case_punctuation_whitespace_and_title():
    a = article("a", "Hamas said: talks will resume.", title="One")
    b = article("b", "hamas said talks   will resume", title="Another headline")
    assert content_fingerprint(a) == content_fingerprint(b)
    assert content_fingerprint(a) != content_fingerprint(article("c", "Hamas said no."))


def test_second_copy_is_a_duplicate_of_the_first():
    store: dict = {}
    first, copy = article("a", "Same text."), article("b", "Same text.", T0 + timedelta(hours=1))
    fp = content_fingerprint(first)
    assert not check_article(store, fp, first, window_seconds=WINDOW).is_duplicate
    decision = check_article(store, fp, copy, window_seconds=WINDOW)
    assert decision.duplicate_of == "a"
    assert decision.similarity == 1.0


def test_redelivery_of_the_same_article_is_not_a_duplicate():
    store: dict = {}
    first = article("a", "Same text.")
    fp = content_fingerprint(first)
    check_article(store, fp, first, window_seconds=WINDOW)
    assert not check_article(store, fp, first, window_seconds=WINDOW).is_duplicate


def test_copy_outside_the_window_counts_as_new():
    store: dict = {}
    first = article("a", "Same text.")
    late = article("b", "Same text.", T0 + timedelta(days=4))
    fp = content_fingerprint(first)
    check_article(store, fp, first, window_seconds=WINDOW)
    assert not check_article(store, fp, late, window_seconds=WINDOW).is_duplicate
    assert store[fp][0] == "b"
