from pathlib import Path

from pipeline import topics as T
from pipeline.cli.schema_docs import CHANNELS, render_documents

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def test_generated_schema_files_are_current():
    stale = [rel for rel, text in render_documents().items()
             if not (SCHEMAS / rel).exists() or (SCHEMAS / rel).read_text() != text]
    assert not stale, f"run `make schemas` (wirestream schemas write); stale: {stale}"


def test_every_topic_has_a_documented_record():
    assert set(CHANNELS) == set(T.ALL_TOPICS) | set(T.EVENTS_QUAD)
