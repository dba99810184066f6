"""Event status from the words around the verb, and relative dates resolved against the
article's publication date."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.reference import cameo

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WD = "|".join(_WEEKDAYS)
_MO = "|".join(_MONTHS)

_DATE = re.compile(
    rf"\b(?:(?P<wprep>on|this|next|last|by|until|till|from|since|before|after|early|late|later on"
    rf"|earlier on)\s+)?(?P<weekday>{_WD})\b"
    rf"|\b(?P<rel>later this week|earlier this week|this week|next week|last week|"
    rf"later this month|earlier this month|this month|next month|last month|this year|"
    rf"next year|last year|yesterday|today|tonight|tomorrow)\b"
    rf"|\b(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month1>{_MO})\b"
    rf"|\b(?P<month2>{_MO})\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b"
)

# Status cues, matched against the clause text just before the verb (lower-case).
_NEGATED = re.compile(r"\b(?:not|never|no longer|refused to|refuses to|declined to|failed to|"
                      r"no intention of|no plans? to|no plans? of)"
                      r"\s+(?:\w+\s+){0,2}$|n't\s+(?:\w+\s+){0,2}$")
_THREAT = re.compile(r"\bthreat(?:en|ens|ened|ening)\s+to\s+(?:\w+\s+){0,2}$")
_CONDITIONAL = re.compile(r"\b(?:if|unless|would|should|could|might|provided that)\b")
_EXPECTED = re.compile(r"\b(?:expected|likely|predicted|tipped)\s+to\s+(?:\w+\s+){0,1}$")
_PLANNED = re.compile(
    r"\b(?:will|shall|'ll|scheduled to|due to|set to|plans? to|planned to|planning to|"
    r"intends? to|intended to|going to|is to|are to|was to|were to|agreed to|aims? to|"
    r"hopes? to|prepares? to|preparing to|expects? to|promised to|pledged to|vowed to|"
    r"will \w+ to)\s+(?:\w+\s+){0,2}$")


@dataclass(frozen=True, slots=True)
class DateRef:
    """A date expression found in a sentence (body offsets)."""

    start: int
    end: int
    date_start: date
    date_end: date


def status_of(pre_clause: str, root: str) -> str:
    """Status of an event from the lower-cased clause text before its verb and its root."""
    if root == cameo.THREATEN:
        return "threatened"
    tail = pre_clause[-60:]
    if _NEGATED.search(tail):
        return "negated"
    if _THREAT.search(tail):
        return "threatened"
    if _CONDITIONAL.search(pre_clause):
        return "conditional"
    if _EXPECTED.search(tail):
        return "expected"
    if _PLANNED.search(tail):
        return "planned"
    return "actual"


def _week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _relative(rel: str, pub: date) -> tuple[date, date]:
    monday, sunday = _week_bounds(pub)
    if rel in ("today", "tonight"):
        return pub, pub
    if rel == "yesterday":
        return pub - timedelta(days=1), pub - timedelta(days=1)
    if rel == "tomorrow":
        return pub + timedelta(days=1), pub + timedelta(days=1)
    if rel == "later this week":
        return pub, sunday
    if rel == "earlier this week":
        return monday, pub
    if rel == "this week":
        return monday, sunday
    if rel == "next week":
        return monday + timedelta(days=7), sunday + timedelta(days=7)
    if rel == "last week":
        return monday - timedelta(days=7), sunday - timedelta(days=7)
    if rel == "later this month":
        return pub, _month_bounds(pub.year, pub.month)[1]
    if rel == "earlier this month":
        return pub.replace(day=1), pub
    if rel == "this month":
        return _month_bounds(pub.year, pub.month)
    if rel == "last month":
        year, month = (pub.year, pub.month - 1) if pub.month > 1 else (pub.year - 1, 12)
        return _month_bounds(year, month)
    if rel == "next month":
        year, month = (pub.year, pub.month + 1) if pub.month < 12 else (pub.year + 1, 1)
        return _month_bounds(year, month)
    if rel == "this year":
        return date(pub.year, 1, 1), date(pub.year, 12, 31)
    if rel == "last year":
        return date(pub.year - 1, 1, 1), date(pub.year - 1, 12, 31)
    return date(pub.year + 1, 1, 1), date(pub.year + 1, 12, 31)  # next year


def _weekday(name: str, prep: str | None, pub: date, future: bool) -> tuple[date, date]:
    delta = _WEEKDAYS.index(name) - pub.weekday()
    if prep == "next":
        delta = delta + 7 if delta <= 0 else delta
    elif prep in ("last", "since"):
        delta = delta - 7 if delta >= 0 else delta
    elif future or prep in ("until", "till", "by"):
        delta = delta + 7 if delta < 0 else delta
    else:
        delta = delta - 7 if delta > 0 else delta
    day = pub + timedelta(days=delta)
    if prep in ("until", "till", "by"):
        return (pub, day) if day >= pub else (day, pub)
    return day, day


def _calendar(day: int, month_name: str, pub: date, future: bool) -> tuple[date, date] | None:
    month = _MONTHS.index(month_name) + 1
    try:
        found = date(pub.year, month, day)
        if not future and found > pub + timedelta(days=1):
            found = date(pub.year - 1, month, day)  # a past event dated later: last year's
        elif future and found < pub - timedelta(days=1):
            found = date(pub.year + 1, month, day)
    except ValueError:
        return None
    return found, found


def find_dates(sentence_lower: str, offset: int, pub: date, future: bool) -> list[DateRef]:
    """Date expressions in a sentence, resolved; `future` says how to read bare weekdays."""
    refs: list[DateRef] = []
    for m in _DATE.finditer(sentence_lower):
        resolved: tuple[date, date] | None
        if m.group("weekday"):
            prep = m.group("wprep")
            resolved = _weekday(m.group("weekday"), prep.split()[0] if prep else None, pub,
                                future)
        elif m.group("rel"):
            resolved = _relative(m.group("rel"), pub)
        elif m.group("month1"):
            resolved = _calendar(int(m.group("day1")), m.group("month1"), pub, future)
        else:
            resolved = _calendar(int(m.group("day2")), m.group("month2"), pub, future)
        if resolved:
            refs.append(DateRef(offset + m.start(), offset + m.end(), *resolved))
    return refs
