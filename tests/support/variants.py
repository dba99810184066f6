"""Near-duplicate variants of an article, the way syndication and light editing make them.

Pure and seeded: the same `random.Random` state gives the same variant, so dev sets, tests
and benchmarks are reproducible without any corpus on disk. `synthetic_article` makes
corpus-free articles from made-up words (for the benchmark and tests).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from functools import cache
from itertools import accumulate

BOILERPLATE = [
    "Sign up for our morning newsletter to get the day's top stories in your inbox.",
    "This article was originally published by a partner outlet and is republished with "
    "permission. All rights reserved.",
    "Follow us on social media for live updates. Share this story with your friends.",
    "Advertisement. Continue reading the main story below.",
    "Copyright the wire service. This material may not be published, broadcast, rewritten "
    "or redistributed without permission.",
]
HEADLINE_PREFIXES = ["UPDATE:", "BREAKING:", "Report:", "Analysis:", "WATCH:"]
# Small hand-written synonym table for "light rewording" by a sub-editor.
SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "big": "large", "buy": "purchase",
    "rise": "increase", "rose": "climbed", "fell": "dropped", "help": "assist",
    "show": "indicate", "start": "begin", "started": "began", "end": "finish",
    "also": "additionally", "but": "however", "about": "around", "many": "numerous",
    "new": "fresh", "plan": "proposal", "firm": "company", "company": "firm",
}
_WORD = re.compile(r"[A-Za-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def seeded(seed: int) -> random.Random:
    """The generator every caller uses: reproducible data, never anything secret."""
    return random.Random(seed)  # noqa: S311 - test data, not security


def paragraphs(body: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return parts or [body]


def new_headline(title: str, body: str, rng: random.Random) -> tuple[str, str]:
    words = title.split()
    rng.shuffle(words)
    return f"{rng.choice(HEADLINE_PREFIXES)} {' '.join(words)}", body


def trim_paragraphs(title: str, body: str, rng: random.Random) -> tuple[str, str]:
    """Drop up to a quarter of the paragraphs (at least one when there are four or more)."""
    paras = paragraphs(body)
    drop = max(1, len(paras) // 4) if len(paras) >= 4 else 0
    if drop == 0:  # too short to trim paragraphs: trim the last sentence instead
        sentences = re.split(r"(?<=[.!?])\s+", body)
        return title, " ".join(sentences[:-1]) if len(sentences) > 3 else body
    if rng.random() < 0.5:  # wire copies are usually cut from the bottom
        keep = paras[: len(paras) - drop]
    else:
        gone = set(rng.sample(range(1, len(paras)), drop))
        keep = [p for i, p in enumerate(paras) if i not in gone]
    return title, "\n\n".join(keep)


def reorder_paragraphs(title: str, body: str, rng: random.Random) -> tuple[str, str]:
    paras = paragraphs(body)
    rng.shuffle(paras)
    return title, "\n\n".join(paras)


def add_typos(title: str, body: str, rng: random.Random, rate: float = 0.02) -> tuple[str, str]:
    def typo(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) < 4 or rng.random() >= rate:
            return word
        i = rng.randrange(1, len(word) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if kind == 1:
            return word[:i] + word[i + 1:]
        return word[:i] + rng.choice(_LETTERS) + word[i + 1:]

    return title, _WORD.sub(typo, body)


def add_boilerplate(title: str, body: str, rng: random.Random) -> tuple[str, str]:
    lead, tail = rng.sample(BOILERPLATE, 2)
    return title, f"{lead}\n\n{body}\n\n{tail}"


def reword(title: str, body: str, rng: random.Random, rate: float = 0.5) -> tuple[str, str]:
    def swap(match: re.Match[str]) -> str:
        word = match.group()
        repl = SYNONYMS.get(word.lower())
        if repl is None or rng.random() >= rate:
            return word
        return repl.capitalize() if word[0].isupper() else repl

    return title, _WORD.sub(swap, body)


Variant = Callable[[str, str, random.Random], tuple[str, str]]
KINDS: dict[str, Variant] = {
    "headline": new_headline, "trim": trim_paragraphs, "reorder": reorder_paragraphs,
    "typos": add_typos, "boilerplate": add_boilerplate, "reword": reword,
}


def make_variant(title: str, body: str, kinds: list[str], rng: random.Random) -> tuple[str, str]:
    """Apply the named edits in order; returns the new (title, body)."""
    for kind in kinds:
        title, body = KINDS[kind](title, body, rng)
    return title, body


def random_kinds(rng: random.Random) -> list[str]:
    """One to three edits, the headline change most often (syndication's usual mark)."""
    kinds = rng.sample(sorted(KINDS), rng.randint(1, 3))
    return sorted(kinds, key=list(KINDS).index)


@cache
def _zipf_cumulative(size: int) -> list[float]:
    return list(accumulate(1.0 / (rank + 1) for rank in range(size)))


def _pseudo_word(rng: random.Random) -> str:
    syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "bri", "del", "nu", "sor", "e", "an"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))


def synthetic_vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    """Made-up words, most frequent first (generate once, share between articles)."""
    return [_pseudo_word(rng) for _ in range(size)]


def synthetic_article(rng: random.Random, vocabulary: list[str],
                      paragraphs_count: int = 6) -> tuple[str, str]:
    """A made-up article (~400 words) over a shared vocabulary; Zipf-like word choice."""
    cumulative = _zipf_cumulative(len(vocabulary))
    paras = []
    for _ in range(paragraphs_count):
        words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(50, 90))
        paras.append(" ".join(words).capitalize() + ".")
    title = " ".join(rng.choices(vocabulary, k=6)).capitalize()
    return title, "\n\n".join(paras)
