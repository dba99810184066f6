"""The on-disk cache of compiled reference tables: built once, read back equal, rebuilt when
unreadable, and never in the way when its directory cannot be written."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from pipeline.reference import actor_lexicon, cache
from pipeline.reference.lexicon import keyed


def _counting_build(calls: list[int]) -> dict[str, tuple[int, ...]]:
    calls.append(1)
    return {"a": (1, 2), "b": ()}


def _cached(calls: list[int]) -> dict[str, tuple[int, ...]]:
    return cache.cached("demo", lambda: _counting_build(calls), lambda t: t, lambda d: d)


def test_a_table_is_built_once_then_read_back(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRESTREAM_CACHE_DIR", str(tmp_path))
    calls: list[int] = []
    assert _cached(calls) == {"a": (1, 2), "b": ()}
    assert _cached(calls) == {"a": (1, 2), "b": ()}
    assert len(calls) == 1
    assert [p.name.split("-")[0] for p in tmp_path.iterdir()] == ["demo"]


def test_an_unreadable_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRESTREAM_CACHE_DIR", str(tmp_path))
    calls: list[int] = []
    _cached(calls)
    (stored,) = tmp_path.iterdir()
    stored.write_bytes(b"\x00not marshal")
    assert _cached(calls) == {"a": (1, 2), "b": ()}
    assert len(calls) == 2
    assert _cached(calls) == {"a": (1, 2), "b": ()} and len(calls) == 2  # rewritten


def test_a_directory_that_cannot_be_written_costs_only_the_rebuild(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("WIRESTREAM_CACHE_DIR", str(blocker / "cache"))
    calls: list[int] = []
    assert _cached(calls) == {"a": (1, 2), "b": ()}
    assert _cached(calls) == {"a": (1, 2), "b": ()}
    assert len(calls) == 2


def test_an_empty_setting_turns_the_cache_off(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIRESTREAM_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    calls: list[int] = []
    _cached(calls)
    _cached(calls)
    assert len(calls) == 2 and not list(tmp_path.iterdir())


def test_the_actor_table_read_back_equals_the_one_built() -> None:
    built = keyed(actor_lexicon.actor_entries())
    stored = marshal.dumps(actor_lexicon._encode(built))  # type: ignore[arg-type]
    read = actor_lexicon._decode(marshal.loads(stored))  # noqa: S302 - bytes made above
    assert read == built
    jordan = read[" jordan "]
    assert jordan.kind == actor_lexicon.COUNTRY and jordan.country == "JOR"
    kyiv = read[" kiev "]
    assert kyiv.place is not None and kyiv.place.lat is not None and kyiv.candidates
