"""MinHash signatures, encoding and the LSH index."""


import pytest

from pipeline.steps.article_dedup import near_dup
from tests.support.variants import (
    KINDS,
    make_variant,
    seeded,
    synthetic_article,
    synthetic_vocabulary,
)

PARAMS = near_dup.LshParams()
RULE = near_dup.MatchRule()


def sig_of(text: str) -> near_dup.Signature:
    return near_dup.signature(near_dup.shingles(near_dup.words(text)), PARAMS)


@pytest.fixture(scope="module")
def articles():
    rng = seeded(11)
    vocab = synthetic_vocabulary(rng)
    return [synthetic_article(rng, vocab) for _ in range(60)]


def test_signature_is_deterministic_and_sized():
    assert sig_of("The cat sat on the mat today") == sig_of("the CAT sat, on the mat today!")
    assert len(sig_of("a b c d")) == PARAMS.num_perm


def test_encode_decode_round_trip():
    sig = sig_of("some words for a signature here")
    text = near_dup.encode_signature(sig)
    assert isinstance(text, str)
    assert near_dup.decode_signature(text) == sig


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_variant_kind_is_found_with_its_similarity(articles, kind):
    index = near_dup.LshIndex(PARAMS)
    for i, (_, body) in enumerate(articles):
        index.add(str(i), sig_of(body), len(set(near_dup.shingles(near_dup.words(body)))))
    title, body = articles[7]
    _, copy = make_variant(title, body, [kind], seeded(3))
    shingles = near_dup.shingles(near_dup.words(copy))
    match = index.query(near_dup.signature(shingles, PARAMS), RULE, len(set(shingles)))
    assert match is not None
    assert match[0] == "7"
    assert 0.25 <= match[1] <= 1.0


def test_unrelated_articles_are_not_matched(articles):
    index = near_dup.LshIndex(PARAMS)
    for i, (_, body) in enumerate(articles[:30]):
        index.add(str(i), sig_of(body), 300)
    for _, body in articles[30:]:
        assert index.query(sig_of(body), RULE, 300) is None


def test_remove_forgets_and_frees_buckets(articles):
    index = near_dup.LshIndex(PARAMS)
    sig = sig_of(articles[0][1])
    index.add("a", sig)
    assert index.query(sig)[0] == "a"
    assert index.remove("a") is True
    assert len(index) == 0
    assert index.query(sig) is None
    assert all(not buckets for buckets in index._buckets)
    assert index.remove("a") is False


def test_containment_catches_a_copy_cut_to_half():
    assert near_dup.containment(0.5, 100, 50) == pytest.approx(1.0)
    assert RULE.accepts(0.3, 100, 35)
    assert not RULE.accepts(0.3, 100, 100)
    assert not RULE.accepts(0.1, 1000, 10)


def test_candidates_are_exactly_the_ids_sharing_a_band_through_adds_and_removes():
    # The compact buckets (an id alone, else a set; keyed by the band's hash) give what a
    # plain band -> set-of-ids table gives, as ids come and go.
    rng = seeded(5)
    params = near_dup.LshParams(bands=8, rows=2)
    pool = [rng.randrange(4) for _ in range(64)]  # few values: many shared bands
    sigs = {f"a{i}": tuple(rng.choice(pool) for _ in range(params.num_perm)) for i in range(40)}
    index = near_dup.LshIndex(params)
    live: dict[str, tuple[int, ...]] = {}

    def expected(sig):
        return {i for i, s in live.items() if any(
            s[b * 2:(b + 1) * 2] == sig[b * 2:(b + 1) * 2] for b in range(params.bands))}

    for n, (item, sig) in enumerate(sigs.items()):
        index.add(item, sig)
        live[item] = sig
        if n % 3 == 2:
            gone = sorted(live)[n % len(live)]
            assert index.remove(gone)
            del live[gone]
        probe = sigs[f"a{(n * 7) % len(sigs)}"]
        assert expected(probe) <= index.candidates(probe)
        assert index.signature_of(item) == (sig if item in live else None)
    for item in list(live):
        index.remove(item)
    assert all(not buckets for buckets in index._buckets)
