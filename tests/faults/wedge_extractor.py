"""A replacement extractor (`WIRESTREAM_EXTRACTOR`) that wedges the worker's next commit once.

Used by test_stall.py to make a real worker hang the way a Kafka client can: after it has
extracted an article carrying `MARKER`, its next transaction commit never returns, if the
file `wedge-next-commit` is in the worker's data dir (removed as it wedges, so the worker
restarted in place commits normally).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from pipeline.adapters import transactions
from pipeline.steps.extraction.extract import extract_events
from schemas.records import Article, ExtractedEvent

MARKER = "WEDGE-THE-NEXT-COMMIT"
FLAG = "wedge-next-commit"
_armed = False
_commit = transactions.SourceTransactionManager._commit


async def _wedging_commit(self: Any, *args: Any, **kwargs: Any) -> bool:
    flag = Path(os.environ["WIRESTREAM_DATA_DIR"]) / FLAG
    if _armed and flag.exists():
        flag.unlink()
        await asyncio.Event().wait()  # never set: the commit never returns
    return await _commit(self, *args, **kwargs)


transactions.SourceTransactionManager._commit = _wedging_commit  # type: ignore[method-assign]


def extract_or_wedge(article: Article) -> list[ExtractedEvent]:
    global _armed
    if MARKER in article.body:
        _armed = True
    return extract_events(article)
