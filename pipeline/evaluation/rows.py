"""Labelled files are data too: a row that cannot be read is reported (line and reason) and
left out, and the rest is scored."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import ValidationError

Row = TypeVar("Row")


@dataclass
class Rows(Generic[Row]):
    good: list[Row] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)

    def summary(self, shown: int = 10) -> str:
        """One line for the console: how many were skipped and where, or '' if none."""
        if not self.bad:
            return ""
        lines = ", ".join(f"line {n} ({reason})" for n, reason in self.bad[:shown])
        more = f" and {len(self.bad) - shown} more" if len(self.bad) > shown else ""
        return f"{len(self.bad)} bad rows skipped: {lines}{more}"


def read_rows(path: Path, parse: Callable[[dict], Row]) -> Rows[Row]:
    """Each non-blank line of a JSONL file through `parse`; the lines that are not a JSON
    object or that `parse` refuses (KeyError, ValueError, TypeError) become `bad`."""
    rows: Rows[Row] = Rows()
    for number, line in _lines(path):
        try:
            raw = json.loads(line)
            if not isinstance(raw, dict):
                raise TypeError(f"a JSON {type(raw).__name__}, not an object")
            rows.good.append(parse(raw))
        except (KeyError, ValueError, TypeError) as exc:  # ValidationError is a ValueError
            rows.bad.append((number, _reason(exc)))
    return rows


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            yield number, line


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]!r}"
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg}"
    return str(exc)
