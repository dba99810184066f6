"""`WIRESTREAM_EXTRACTOR`: the extractor is loaded by name, with clear errors."""

from __future__ import annotations

import pytest

from pipeline.stages.extractors import DEFAULT, load_extractor
from pipeline.steps.clauses.extract import extract_events as clause_events
from pipeline.steps.extraction.extract import extract_events


def test_default_is_the_clause_engine_and_the_lexical_engine_loads_by_name() -> None:
    assert load_extractor(DEFAULT) is clause_events
    assert load_extractor("pipeline.steps.extraction.extract:extract_events") is extract_events


@pytest.mark.parametrize("spec", ["pipeline.steps.extraction.extract",
                                  "pipeline.steps.extraction.extract:", ":extract_events",
                                  "pipeline.steps.extraction.extract:STAGE_NOPE",
                                  "pipeline.steps.validate:STAGE"])
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="extractor"):
        load_extractor(spec)


def test_missing_module_names_the_module() -> None:
    with pytest.raises(ModuleNotFoundError, match="no_such_module"):
        load_extractor("no_such_module:extract")
