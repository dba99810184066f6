"""The event extractor is replaceable: `WIRESTREAM_EXTRACTOR=package.module:function`.

A replacement takes an `Article` and returns a list of `ExtractedEvent`s, like the built-in
engines: the default `pipeline.steps.clauses.extract:extract_events` (roles from a dependency
parse) and the faster `pipeline.steps.extraction.extract:extract_events` (dictionaries and
window rules); it runs in the worker's extraction stage with the same retries and
dead-lettering. The name comes from the operator's configuration, never from input.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pipeline.settings import DEFAULT_EXTRACTOR
from schemas.records import Article, ExtractedEvent

DEFAULT = DEFAULT_EXTRACTOR

Extractor = Callable[[Article], list[ExtractedEvent]]


def load_extractor(spec: str = DEFAULT) -> Extractor:
    """Import `module:function` and check that it is callable."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"extractor {spec!r} is not of the form package.module:function")
    function = getattr(importlib.import_module(module_name), attr, None)
    if not callable(function):
        raise ValueError(f"extractor {spec!r}: {attr} is not a function of {module_name}")
    return function  # type: ignore[no-any-return]
