"""The CAMEO verb dictionary (PETRARCH2's `CAMEO.2.0.txt`): the build reads its block format,
keeps only the blocks whose verbs name their event, and the extractor codes those verbs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pipeline.evaluation.events import actor_key
from pipeline.steps.extraction.extract import extract_events
from schemas.records import Article
from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
build = load_script("build_cameo_verbs")

SAMPLE = """---  DENOUNCE   [111]  ---
+DRESS_DOWN {+DRESSES_DOWN +DRESSED_DOWN +DRESSING_DOWN}
BERATE
FLOG {FLOGS FLOGGING FLOGGED } [180]
LECTURE
- * ACCUSATION                                        [016]         # DENOUNCE

---  FIGHT   [190]  ---
MATCH
STORM

---  DEMAND   [100]  ---
NEED
EXHORT  # jw 1/1/91
"""


def test_the_build_keeps_listed_blocks_own_codes_and_irregular_forms():
    verbs = {v["verb"]: v for v in build.parse(SAMPLE)}
    assert verbs["berate"]["code"] == "111" and verbs["berate"]["block"] == "DENOUNCE"
    assert verbs["flog"]["code"] == "180"  # a verb's own code wins over its block's
    assert verbs["dress down"]["forms"] == ["dressed down", "dresses down", "dressing down"]
    assert verbs["exhort"]["code"] == "100"
    assert "match" not in verbs and "storm" not in verbs  # a general block is left out
    assert "lecture" not in verbs and "need" not in verbs  # general verbs of a listed block


def test_the_shipped_file_is_what_the_build_makes_of_the_dictionary():
    source = ROOT.parent / "shared" / "dictionaries" / "phoenix" / build.SOURCE
    shipped = build.OUT.read_text(encoding="utf-8")
    assert json.loads(shipped)["verbs"] == build.parse(source.read_text(encoding="latin-1"))


def _events(body: str) -> list[tuple[str | None, str | None, str]]:
    article = Article(id="t", source="test", title="", body=body, language="en",
                      published_at=datetime(2018, 6, 1, tzinfo=UTC))
    return [(actor_key(e.source), actor_key(e.target), e.code) for e in extract_events(article)]


def test_a_dictionary_verb_our_lexicon_lacks_is_coded_with_its_target():
    assert _events("Iran castigated the United States on Monday.") == [("IRN", "USA", "111")]
    assert _events("Boko Haram abducted three Nigerian soldiers.") == [("BOKOHARAM", "NGA", "181")]
    assert _events("Iran castigated the decision.") == []  # a transitive verb needs a target


def test_two_people_named_in_full_are_two_actors_of_one_country():
    assert _events("President Barack Obama criticized Donald Trump.") == [("USA", "USA", "111")]
    assert _events("The president criticized himself.") == []
