"""The whole CAMEO verb dictionary in the clause engine: the build reads blocks, own codes,
multi-word verbs, synonym sets and object patterns; the engine codes a dictionary verb only
between a parsed subject actor and a parsed object actor, and only for conflictual roots."""

from __future__ import annotations

from pipeline.steps.clauses.extract import extract_events
from schemas.records import Article
from tests.support.scripts import load_script

build = load_script("build_clause_verbs")

SAMPLE = """####### SYNONYM SETS #######

&MILITARY
+TROOPS
+ARMY

####### VERB PATTERNS #######

---  CANCEL   [164]  ---
CANCEL
+BREAK_OFF [162]
- * &MILITARY                                          [154]         # CANCEL
- * (WITH LEADERS)                                      [036:036]     # CANCEL
- * {JOINT DRILL}                                       [---]         # CANCEL

---  GENERAL   [---]  ---
HANDLE
- * CRISIS                                              [012]         # HANDLE
"""


def _keys(body: str) -> set[tuple[str, str | None, str]]:
    article = Article(id="t", source="test", body=body, published_at="2025-02-04T10:00:00Z")
    return {(e.source.code, e.target.code if e.target else None, e.code[:2])
            for e in extract_events(article)}


def test_the_build_reads_codes_multiword_verbs_synsets_and_patterns():
    data = build.parse(SAMPLE)
    verbs, blocks = data["verbs"], data["blocks"]
    assert verbs["cancel"] == [{"after": [], "code": None, "block": "CANCEL"}]
    assert verbs["break"] == [{"after": ["off"], "code": "162", "block": "CANCEL"}]
    assert blocks["CANCEL"]["code"] == "164"
    patterns = blocks["CANCEL"]["patterns"]
    assert ["troops", None, None, "154"] in patterns and ["army", None, None, "154"] in patterns
    assert [None, "with", "leaders", "036"] in patterns  # the first of "036:036"
    assert not any(p[0] == "drill" for p in patterns)  # the null code blocks, it codes nothing
    assert blocks["GENERAL"]["code"] is None and verbs["handle"]  # kept for its pattern


def test_a_dictionary_verb_between_two_actors_is_coded():
    # neither "pressing" nor "canceled" is in the lexicon: CAMEO's PRESS (100) and CANCEL (164),
    # in sentences parsed for another trigger ("met", "meeting")
    assert ("USAGOV", "CHN", "10") in _keys(
        "President Donald Trump, who met Xi Jinping in Beijing last year, will keep pressing "
        "China for trade concessions.")
    assert ("MEXGOV", "USAGOV", "16") in _keys(
        "Mexico's President Enrique Pena Nieto canceled a meeting with U.S. President Donald "
        "Trump.")


def test_a_dictionary_verb_needs_both_roles_a_conflictual_root_and_a_report():
    assert not _keys("China has dealt with North Korea for decades.")  # 050: not coded
    assert not _keys('"Iran, do not kill your protesters," Trump said.')  # an imperative
    assert not _keys("Kerry blew off some steam in Mongolia before talks with China.")


def test_light_verb_frames_find_the_act_whatever_stands_between():
    # the lexicon has "hold a summit" word for word only; "speak with" not at all
    assert ("USAGOV", "PRKGOV", "04") in _keys(
        "Trump held an unprecedented summit with North Korean leader Kim Jong Un in Singapore.")
    assert ("USAGOV", "IRQGOV", "04") in _keys(
        "US Vice President Joe Biden spoke with Iraqi Prime Minister Haider al-Abadi on Monday.")
    assert ("ISRGOV", "IRNOPP", "05") in _keys(
        "Israeli Prime Minister Benjamin Netanyahu voiced his strong support for Iranian "
        "protesters.")


def test_a_verb_whose_object_is_an_event_noun_is_its_light_verb():
    keys = _keys("The United States slapped new tariffs on China.")
    assert ("USA", "CHN", "16") in keys
    assert ("USA", "CHN", "18") not in keys  # CAMEO's "slap" (assault) is not coded here


def test_a_frame_outranks_a_hit_on_its_object_alone():
    # the lexicon's "embargo against" (163) is the opposite act here
    keys = _keys("U.S. President Barack Obama announced that he had lifted a decades-long arms "
                 "embargo against Vietnam.")
    assert ("USAGOV", "VNM", "08") in keys and ("USAGOV", "VNM", "16") not in keys
