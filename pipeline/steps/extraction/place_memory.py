"""Where the article last put an actor, so a meeting in a later sentence can inherit it.

News reports a visit in sequence: "Netanyahu extended his stay in Washington ... He is expected
to meet Hegseth on Wednesday." The second sentence names no place, yet a coder puts the meeting
in Washington. The rule is deliberately narrow: only a city (with coordinates) that a sentence
introduces with a locative preposition, only for up to `HORIZON` following sentences, and only
for an event whose source actor was named in that sentence (pronouns resolved).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from schemas.records import Location

HORIZON = 2


class _PhraseLike(Protocol):
    @property
    def code(self) -> str | None: ...
    locative: bool
    place: object


class PlaceMemory:
    """The last city an actor was put in, and the sentence that said so."""

    def __init__(self) -> None:
        self._index = -1
        self._location: Location | None = None
        self._place: object | None = None
        self._actors: frozenset[str] = frozenset()
        self._current = -1

    def note(self, index: int, phrases: Sequence[_PhraseLike]) -> None:
        """Record sentence `index`'s last locative city and the actors named with it."""
        self._current = index
        cities = [p for p in phrases if p.locative and getattr(p.place, "lat", None) is not None]
        if not cities:
            return
        self._index = index
        self._place = cities[-1].place  # the Location is built only if an event needs it
        self._location = None
        self._actors = frozenset(c for p in phrases if not p.locative and (c := p.code))

    def carried(self, sources: Iterable[str]) -> Location | None:
        """The remembered city if one of `sources` was there within the horizon."""
        if self._place is None or not 0 < self._current - self._index <= HORIZON:
            return None
        if not self._actors & set(sources):
            return None
        if self._location is None:
            place = self._place
            self._location = Location.model_construct(
                name=place.name, country=place.country,  # type: ignore[attr-defined]
                lat=place.lat, lon=place.lon)  # type: ignore[attr-defined]
        return self._location
