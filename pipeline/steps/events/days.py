"""The day (and status) a mention's canonical event is keyed by, when outlets differ on it.

One outlet writes "on Wednesday" (a stated date), another reports the same happening without
a date (keyed by its story's day, `article_dedup.article_index.story_day`): hashed as they
are, the two days made two canonical events, the commonest split of multi-outlet events on
world news (64 of 77 day splits, `wirestream eval events-dedup`). So the article-dedup stage,
which sees every article of a story in order, remembers per (story, source, target, CAMEO
root) the days its events were keyed by, and a later article's mention takes the nearest
known day when it is close enough: within `FIRM_DAYS` when both state a date (two strikes
two days apart stay two events), within `SOFT_DAYS` when either is undated. Mentions of one
article never join each other (the seed's "met Witkoff" and "is to meet Trump" stay apart).
The status progresses the same way: a mention takes a known event of its own status first,
else one it is a later stage of (a "met" after a "will meet" or "is expected to meet": one
event, whose status the event stage then updates, `aggregate.refined`); a threat, a denial
or a negation stays its own event. The memory is derived from the article index's entries
(each new article stores the days it added), so it is rebuilt on recovery and expires with
them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

Key = tuple[str, str, str, str]  # (story, source code, target code, CAMEO root)
Recorded = tuple[str, str, str, str, bool, str]  # (source, target, root, ISO day, firm, status)
Period = tuple[date, date]  # a stated date: one day ("on Sunday") or a period ("last week")
Mention = tuple[str, str, str, Period | None, str]  # (source, target, root, stated, status)
Keyed = tuple[date, str]  # the day and the status a mention's event id is made from
# Statuses one happening passes through as outlets report it.
PROGRESSION = frozenset({"planned", "expected", "actual"})
FIRM_DAYS = 1
SOFT_DAYS = 3
_MAX_DAYS_PER_KEY = 8
# An article's index entry (a changelog record) stays small whatever the article holds.
MAX_RECORDED_PER_ARTICLE = 64


def own_day(stated: Period | None, reference_day: date) -> tuple[date, bool]:
    """(day, firm): the stated date when it is more than a day from the reference day (the
    story's or the original's), else the reference day; firm when the text states one day. A
    stated period ("last week", "in March") is never firm: it holds the reference day when it
    contains it, else its first day stands for it."""
    if stated is None:
        return reference_day, False
    first, last = stated
    if last > first:
        if first <= reference_day <= last or abs((first - reference_day).days) <= 1:
            return reference_day, False
        return first, False
    if abs((first - reference_day).days) > 1:
        return first, True
    return reference_day, True


class EventDays:
    """(story, source, target, root) -> the days events were keyed by, and who added each."""

    def __init__(self) -> None:
        self._known: dict[Key, list[tuple[int, bool, str, str]]] = {}
        self._by_article: dict[str, list[Key]] = {}

    def add(self, article_id: str, story_id: str, recorded: Iterable[Recorded]) -> None:
        for source, target, root, day, firm, status in recorded:
            key = (story_id, source, target, root)
            days = self._known.setdefault(key, [])
            if len(days) < _MAX_DAYS_PER_KEY:
                days.append((date.fromisoformat(day).toordinal(), firm, article_id, status))
                self._by_article.setdefault(article_id, []).append(key)

    def remove(self, article_id: str) -> None:
        for key in self._by_article.pop(article_id, ()):
            days = [d for d in self._known.get(key, ()) if d[2] != article_id]
            if days:
                self._known[key] = days
            else:
                self._known.pop(key, None)

    def resolve(self, article_id: str, story_id: str, mentions: Sequence[Mention],
                reference_day: date) -> tuple[list[Keyed], list[Recorded]]:
        """Per mention the (day, status) to key it by, and the days this article adds (to
        store with it, then `add`): a known event of another article when one is close
        enough, else the mention's own."""
        keyed: list[Keyed] = []
        added: list[Recorded] = []
        for source, target, root, stated, status in mentions:
            day, firm = own_day(stated, reference_day)
            # A period joins a known day inside it ("the strikes last week" and "Thursday's
            # strikes"); a day or an undated mention, the days near it.
            lo, hi = (stated if stated is not None and stated[1] > stated[0] and
                      not stated[0] <= day <= stated[1] else (day, day))
            known = self._nearest((story_id, source, target, root), (lo, hi), firm, status,
                                  article_id)
            if known is not None:
                keyed.append(known)
                continue
            keyed.append((day, status))
            record = (source, target, root, day.isoformat(), firm, status)
            if record not in added and len(added) < MAX_RECORDED_PER_ARTICLE:
                added.append(record)
        return keyed, added

    def _nearest(self, key: Key, span: Period, firm: bool, status: str,
                 article_id: str) -> Keyed | None:
        """The closest known event a mention joins: its own status first, else one of the
        same happening's earlier stages. `span`: the days the mention may stand for."""
        lo, hi = span[0].toordinal(), span[1].toordinal()
        best: tuple[bool, int, int, str] | None = None
        for known, known_firm, by, known_status in self._known.get(key, ()):
            if by == article_id:
                continue  # an article's own mentions never join each other
            same = known_status == status
            if not same and not (status in PROGRESSION and known_status in PROGRESSION):
                continue
            gap = lo - known if known < lo else max(0, known - hi)
            if gap > (FIRM_DAYS if firm and known_firm else SOFT_DAYS):
                continue
            rank = (not same, gap, known, known_status)
            if best is None or rank < best:
                best = rank
        return None if best is None else (date.fromordinal(best[2]), best[3])

    def __len__(self) -> int:
        return len(self._known)
