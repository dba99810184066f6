"""Each extraction rule in isolation: status, dates, actor resolution, location, quantity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.evaluation.events import load_gold, score
from pipeline.reference.gazetteer import lookup, pick
from pipeline.steps.extraction.extract import extract_events
from pipeline.steps.extraction.temporal import find_dates, status_of
from schemas.records import Article, ExtractedEvent

TUESDAY = date(2025, 2, 4)


def events_of(body: str, published: str = "2025-02-04") -> list[ExtractedEvent]:
    return extract_events(Article(id="t", source="test", body=body, published_at=published))


def only(body: str, root: str, target: str | None = None) -> ExtractedEvent:
    found = [e for e in events_of(body) if e.root == root
             and (target is None or (e.target is not None and target in (e.target.country,
                                                                         e.target.code)))]
    assert found, f"no root {root} in {[(e.code, e.source) for e in events_of(body)]}"
    return found[0]


# -- status ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "root", "status"), [
    ("Egypt rejected the US plan.", "12", "actual"),
    ("Egypt will reject the US plan.", "12", "planned"),
    ("Netanyahu is scheduled to meet Trump.", "04", "planned"),
    ("Trump is expected to pressure Netanyahu to stick to the deal.", "10", "expected"),
    ("Israeli Finance Minister Bezalel Smotrich threatened to leave the Israeli coalition.", "13",
     "threatened"),
    ("Iran threatened to attack Israel.", "13", "threatened"),
    ("Egypt did not condemn Israel.", "11", "negated"),
    ("Egypt did not meet Israeli officials.", "04", "negated"),
    ("Egypt refused to meet Israeli officials.", "12", "actual"),
    ("Egypt would condemn Israel if the talks failed.", "11", "conditional"),
])
def test_status_rules(body: str, root: str, status: str) -> None:
    assert only(body, root).status == status


@pytest.mark.parametrize(("clause", "root", "status"), [
    ("he has ", "04", "actual"), ("he will ", "04", "planned"), ("he is due to ", "04", "planned"),
    ("he is likely to ", "04", "expected"), ("he never ", "04", "negated"),
    ("he declined to ", "04", "negated"), ("unless he ", "04", "conditional"),
    ("he ", "13", "threatened"),
])
def test_status_of_clause(clause: str, root: str, status: str) -> None:
    assert status_of(clause, root) == status


# -- dates (published Tuesday 2025-02-04) -------------------------------------------------------

@pytest.mark.parametrize(("text", "future", "start", "end"), [
    ("on tuesday", False, TUESDAY, TUESDAY),
    ("on monday", False, date(2025, 2, 3), date(2025, 2, 3)),
    ("on wednesday", True, date(2025, 2, 5), date(2025, 2, 5)),
    ("on wednesday", False, date(2025, 1, 29), date(2025, 1, 29)),
    ("next monday", False, date(2025, 2, 10), date(2025, 2, 10)),
    ("last friday", True, date(2025, 1, 31), date(2025, 1, 31)),
    ("until saturday", False, TUESDAY, date(2025, 2, 8)),
    ("yesterday", False, date(2025, 2, 3), date(2025, 2, 3)),
    ("tomorrow", True, date(2025, 2, 5), date(2025, 2, 5)),
    ("later this week", True, TUESDAY, date(2025, 2, 9)),
    ("next week", True, date(2025, 2, 10), date(2025, 2, 16)),
    ("last week", False, date(2025, 1, 27), date(2025, 2, 2)),
    ("last month", False, date(2025, 1, 1), date(2025, 1, 31)),
    ("next month", True, date(2025, 3, 1), date(2025, 3, 31)),
    ("this year", False, date(2025, 1, 1), date(2025, 12, 31)),
    ("on 3 march", True, date(2025, 3, 3), date(2025, 3, 3)),
    ("on december 20", False, date(2024, 12, 20), date(2024, 12, 20)),
])
def test_date_resolution(text: str, future: bool, start: date, end: date) -> None:
    (ref,) = find_dates(text, 0, TUESDAY, future)
    assert (ref.date_start, ref.date_end) == (start, end)


def test_present_tense_tuesday_then_wednesday_is_the_coming_day() -> None:
    event = only("Netanyahu arrived in Washington on Tuesday. He is expected to meet "
                 "Defence Secretary Pete Hegseth on Wednesday.", "04", "USAMIL")
    assert event.status == "planned"
    assert event.date_start == date(2025, 2, 5)


def test_attribution_date_is_not_the_event_date() -> None:
    event = only("Brazil's president will travel to Beijing next month to meet Chinese "
                 "President Xi Jinping, his office said on Monday.", "04")
    assert (event.date_start, event.date_end) == (date(2025, 3, 1), date(2025, 3, 31))


# -- actors -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "root", "source", "target"), [
    # title + nationality
    ("US special envoy Steve Witkoff met Egyptian officials.", "04", "USAGOV", "EGYGOV"),
    ("The Israeli prime minister met Jordan's King.", "04", "ISRGOV", "JORGOV"),
    # possessive country + institution
    ("Qatar's Foreign Ministry praised Egypt.", "05", "QATGOV", "EGY"),
    ("Israel's far-right allies criticised the deal with Egypt.", "11", "ISR", "EGY"),
    # organisation
    ("Hamas accused Israel of violating the truce.", "11", "HAMAS", "ISR"),
    ("NATO condemned Russia.", "11", "NATO", "RUS"),
    # group noun located by its place
    ("Police in Tbilisi detained dozens of Georgian protesters.", "17", "GEOCOP", "GEOOPP"),
])
def test_actor_resolution(body: str, root: str, source: str, target: str | None) -> None:
    event = only(body, root)
    assert event.source is not None and event.source.code == source
    if target is not None:
        assert event.target is not None and event.target.code == target


@pytest.mark.parametrize("anaphor", ["He", "The prime minister"])
def test_pronoun_and_bare_title_take_the_last_named_person(anaphor: str) -> None:
    body = (f"Israeli Prime Minister Benjamin Netanyahu arrived in Washington. {anaphor} met "
            "Egyptian President Abdel Fattah al-Sisi on Monday.")
    event = only(body, "04", "EGY")
    assert event.source is not None and event.source.code == "ISRGOV"


def test_passive_agent_is_the_source() -> None:
    event = only("Trump touted a plan, a proposal strongly rejected by Egypt.", "12")
    assert event.source is not None and event.source.code == "EGY"
    assert event.target is not None and event.target.country == "USA"


# -- location -----------------------------------------------------------------------------------

def test_location_comes_from_the_gazetteer() -> None:
    event = only("Chinese Foreign Minister Wang Yi met Australian officials in Geneva.", "04")
    assert event.location is not None
    assert (event.location.name, event.location.country) == ("Geneva", "CHE")
    assert event.location.lat == pytest.approx(46.2, abs=0.1)
    assert event.location.lon == pytest.approx(6.15, abs=0.1)


def test_alternate_spelling_and_landmark() -> None:
    assert lookup("Kiev")[0].name == "Kyiv"
    assert lookup("white house")[0].name == "Washington"


def test_ambiguous_city_prefers_a_country_in_the_article() -> None:
    candidates = lookup("Tripoli")
    assert pick(candidates, []).country == "LBY"
    assert pick(candidates, ["LBN"]).country == "LBN"


def test_a_small_namesake_in_a_mentioned_country_does_not_beat_a_metropolis() -> None:
    # Moscow, Idaho (25,000) vs Russia's capital (10 million) in a story that mentions the US
    assert pick(lookup("Moscow"), ["USA"]).country == "RUS"
    assert lookup("North") == ()  # "the North" is North Korea, not North Salt Lake, Utah


def test_country_level_fallback() -> None:
    event = only("Turkish warplanes struck militant targets in northern Iraq on Monday.", "19")
    assert event.location is not None and event.location.country == "IRQ"
    assert event.location.lat is None
    assert event.target is not None and event.target.country == "IRQ"


def test_small_town_needs_a_locative_preposition() -> None:
    # "Police" and "Split" are GeoNames towns; neither is a place here.
    events = events_of("Split voters backed the plan. Police arrested two men.")
    assert all(e.location is None for e in events)


# -- quantity and precision rules ----------------------------------------------------------------

@pytest.mark.parametrize(("body", "root", "quantity"), [
    ("Under the deal, 33 Israeli hostages have been released by Hamas.", "08", 33),
    ("Israel released nearly 2,000 Palestinian prisoners.", "08", 2000),
    ("Russian missiles struck Kyiv on Monday, killing at least 33 people.", "19", 33),
])
def test_quantity(body: str, root: str, quantity: int) -> None:
    assert only(body, root).quantity == quantity


def test_casualty_clause_is_not_a_second_event() -> None:
    events = events_of("Russian missiles struck Kyiv on Monday, killing at least 33 people.")
    assert [e.root for e in events] == ["19"]


def test_adjectival_participle_is_not_an_event() -> None:
    assert events_of("Israel freed prisoners, including convicted Palestinian militants.") \
        and not [e for e in events_of("The detained Egyptian leaders met no one.")
                 if e.root == "17"]


def test_attribution_actor_is_not_a_target() -> None:
    events = events_of("Israeli forces killed three gunmen in Jenin, the Palestinian health "
                       "ministry said.")
    assert all(e.target is None or e.target.country != "PSE" or e.target.role != "GOV"
               for e in events)


# -- roles from the story, coreference and lexicon rules ------------------------------------------

def pairs(body: str, published: str = "2025-02-04") -> set[tuple[str | None, str | None, str]]:
    return {(e.source.code, e.target.code if e.target else None, e.root)
            for e in events_of(body, published)}


@pytest.mark.parametrize(("body", "expected"), [
    # a response to an act takes the act's author as its target
    ("North Korea fired a ballistic missile into the sea on Sunday. Seoul condemned the launch.",
     ("KORGOV", "PRK", "11")),
    ("The International Criminal Court issued an arrest warrant for Vladimir Putin. Moscow "
     "rejected the decision.", ("RUSGOV", "ICC", "12")),
    ("Russian missiles struck Kyiv on Monday. President Volodymyr Zelensky vowed to retaliate.",
     ("UKRGOV", "RUSMIL", "13")),
    # a second predicate shares the first one's subject
    ("Poland accused Belarus of orchestrating a crisis and sent thousands of troops to the "
     "frontier.", ("POL", None, "15")),
    # "backed by X" modifies the subject; X is not it
    ("M23 rebels backed by Rwanda seized most of Goma on Monday.", ("M23", "COD", "19")),
    # "the two leaders" are the last two actors named
    ("Vladimir Putin met Kim Jong Un in Pyongyang. The two leaders signed a partnership "
     "agreement.", ("RUSGOV", "PRKGOV", "05")),
    # "the group" is the armed group last named
    ("Colombian soldiers killed five FARC rebels. The government suspended peace talks with the "
     "group.", ("COLGOV", "FARC", "16")),
    # a surname alone refers to the full name given earlier
    ("Peruvian lawmakers removed President Pedro Castillo from office. Police arrested Castillo "
     "in Lima.", ("PERCOP", "PERGOV", "17")),
    # domestic coercion with no named target is aimed at the source's own country
    ("Kazakh security forces detained nearly 10,000 people.", ("KAZCOP", "KAZ", "17")),
    # a joint act of two subjects pairs them unless "with" introduces a partner
    ("Hamas and Fatah signed a declaration in Beijing pledging to form a unity government.",
     ("HAMAS", "FATAH", "05")),
    # the organiser of a summit is a venue, not a partner (Biden is out of office on the
    # test's date, 2025-02-04: his country alone)
    ("Xi Jinping and Joe Biden held talks at the G20 summit in Bali.", ("CHNGOV", "USA", "04")),
    # "agreed to" + co-operation is an expressed intent
    ("Japan and the Philippines agreed to expand military cooperation.", ("JPN", "PHL", "03")),
    # gangs and crowds do not wage war
    ("Armed gangs attacked two police stations in Port-au-Prince.", ("HTICRM", "HTICOP", "18")),
    ("Protesters stormed government buildings in Colombo.", ("LKAOPP", "LKAGOV", "14")),
    # an appositive does not replace the subject it describes
    ("Bezalel Smotrich, leader of the Religious Zionism party, threatened to leave the Israeli "
     "coalition.", ("ISRGOV", "ISRGOV", "13")),
])
def test_story_and_coreference_rules(body: str, expected: tuple[str, str | None, str]) -> None:
    assert expected in pairs(body), pairs(body)


@pytest.mark.parametrize(("published", "source"), [("2016-06-17", "USAGOV"),
                                                  ("2019-06-17", "USA")])
def test_a_leaders_government_names_the_leader_by_surname(published: str, source: str) -> None:
    # "Obama" alone is no dictionary entry (a town in Japan); after "the Obama administration"
    # it is the person, coded by the office held on the article's day.
    body = "Critics called on the Obama administration to act. Obama accused Syria of lying."
    assert (source, "SYR", "11") in pairs(body, published)


def test_a_common_word_before_government_stays_a_word() -> None:
    # "the Green government" is read as a Guyanese office holder's; "Green critics" are not him.
    body = ("Voters in Guyana backed the Green government. Green critics later attacked the "
            "police in London.")
    assert not [e for e in events_of(body, "2016-06-17") if e.source.text == "Green"]


@pytest.mark.parametrize(("body", "root"), [
    ("Saudi Arabia and Iran reopened their embassies on Tuesday.", "05"),
    ("Sudan's army and the paramilitary Rapid Support Forces agreed to a 24-hour ceasefire.", "08"),
    ("North Korea fired a ballistic missile into the sea.", "15"),
    ("Iran launched about 180 ballistic missiles at Israel.", "19"),
    ("The European Union sent rescue teams to Turkey.", "07"),
    ("Britain promised to send hundreds of air defence missiles to Ukraine.", "07"),
    ("Mali's military government suspended all political party activities.", "17"),
    ("Pakistan recalled its ambassador from Tehran.", "16"),
    ("Hungary's parliament approved Sweden's bid to join NATO.", "05"),
    ("Haiti's prime minister asked the UN to speed up the deployment.", "02"),
    ("Colombian soldiers killed five FARC rebels in clashes.", "19"),
    ("Greece offered help to Ankara.", "03"),
])
def test_lexicon_phrasings_code_their_root(body: str, root: str) -> None:
    assert root in {e.root for e in events_of(body)}, pairs(body)


@pytest.mark.parametrize(("body", "absent"), [
    # a bare verb form after an article is a noun
    ("Pakistan condemned the strike as a violation of its airspace.", "19"),
    # weapons are instruments, never targets
    ("Britain promised to send hundreds of air defence missiles to Ukraine.", "GBRMIL"),
    # "protest leaders" and "attack drones" are noun compounds, not events
    ("Bangladesh's army chief met student protest leaders in Dhaka.", "14"),
    # a meeting at a venue does not target the host country
    ("NATO leaders meeting in Vilnius promised to support Ukraine.", "LTU"),
])
def test_noun_forms_weapons_and_venues_are_no_event_or_target(body: str, absent: str) -> None:
    found = {x for e in events_of(body) for x in (e.root, e.target.code if e.target else None)}
    assert absent not in found, pairs(body)


# -- embedded clauses: requests, orders, accusations and forecasts ----------------------------

@pytest.mark.parametrize(("body", "expected", "absent_root"), [
    # the demand is the event, the withdrawal it asks for is not
    ("The European Union demanded that Serbia withdraw its troops from Kosovo.",
     ("EU", "SRB", "10"), "08"),
    ("Congo called on the Security Council to impose sanctions on Rwanda.",
     ("COD", "UN", "02"), "16"),
    ("Scholz urged China to hold talks with Ukraine.", ("DEUGOV", "CHN", "10"), "04"),
    # object control: the summoner protests, the ambassador is the target
    ("South Korea summoned the Russian ambassador to protest the troop deployment.",
     ("KOR", "RUSGOV", "11"), "14"),
    # an order is not the ordered act
    ("President Bola Tinubu ordered the army to attack the bandits.", None, "19"),
    # the accusation is the event, the alleged act is not
    ("Cambodia's defence ministry accused Thai forces of opening fire first.",
     ("KHMMIL", "THAMIL", "11"), "19"),
    # a forecast after "warned that" is no event; a threat phrased as a consequence is the
    # speaker's
    ("Western diplomats warned that Iran could attack Israel.", None, "19"),
    ("Houthi rebels seized a cargo ship. The United States and Britain warned that the group "
     "would face consequences.", ("USA", "HOUTHI", "13"), "12"),
])
def test_embedded_clauses(body: str, expected: tuple[str, str | None, str] | None,
                          absent_root: str) -> None:
    found = pairs(body)
    assert absent_root not in {root for _, _, root in found}, found
    if expected is not None:
        assert any(s == expected[0] and root == expected[2]
                   and (expected[1] is None or t == expected[1]) for s, t, root in found), found


def test_addressee_is_not_inside_a_relative_clause() -> None:
    body = "Howard is urging people who feel ignored by Tony Blair to vote Conservative."
    assert not [e for e in events_of(body) if e.root == "10"], pairs(body)


def test_main_clause_resumes_after_a_conditional() -> None:
    body = ("Afghanistan's Taliban government warned that Pakistan would face consequences and "
            "summoned Pakistan's ambassador in Kabul.")
    roots = {root for _, _, root in pairs(body)}
    assert {"11", "13"} <= roots, pairs(body)


@pytest.mark.parametrize(("body", "absent"), [
    # no intention of acting is no act
    ("Serbia said it had no intention of attacking Kosovo.", "actual"),
    # "the 11 September attacks" is a noun, not the government attacking the US
    ("The government opted out in response to the 11 September attacks in the US.", "19"),
    # a title word used as an adjective names nobody
    ("He plans to stand in the next general election but refused to confirm it.", "GBRMIL"),
    # a meeting noun followed by "by" has its agent after it
    ("Scholz met Xi in Beijing, the first visit by a G7 leader since the pandemic.", "G7"),
    # police and courts do not protest
    ("It was lawful for police to turn protestors away near the base.", "14"),
])
def test_negated_intent_noun_forms_and_state_roles_are_not_coded(body: str, absent: str) -> None:
    found = {x for e in events_of(body)
             for x in (e.root, e.status, e.target.code if e.target else None, e.source.code)}
    assert absent not in found, pairs(body)


# -- quality floors of this module's rules (just below the measured dev figures) --------------

DEV = Path(__file__).resolve().parents[1] / "data" / "events-dev.jsonl"


def test_dev_set_floor() -> None:
    scores = score(load_gold(DEV), extract_events)
    assert scores.articles >= 54
    assert scores.precision >= 0.82 and scores.recall >= 0.90 and scores.f1 >= 0.86


REALNEWS = Path(__file__).resolve().parents[1] / "data" / "events-realnews.jsonl"


def test_realnews_set_floor() -> None:
    # Written and annotated before the extractor ran on it (first run F1 0.63), then tuned on.
    scores = score(load_gold(REALNEWS), extract_events)
    assert scores.articles >= 20
    assert scores.precision >= 0.80 and scores.f1 >= 0.80


def test_the_dprk_by_its_full_name_is_north_korea() -> None:
    event = only("The Democratic People's Republic of Korea condemned the United States.", "11")
    assert event.source.code == "PRK"  # was KOR: only "Korea" matched
