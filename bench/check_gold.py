"""Check a gold file against docs/annotation.md: it loads, every event's `text` is verbatim in
its article's annotated text, roots and codes are CAMEO codes, statuses are known.

    python bench/check_gold.py tests/data/gold/world-dev.jsonl [--quiet]

Prints one line per problem (article id, event id, what is wrong) unless --quiet, and the
counts; exits 1 when there is a problem. It never prints article text or events, so it can
check the untouched split without anyone reading it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.evaluation.events import load_gold_raw  # noqa: E402
from pipeline.reference.cameo import describe  # noqa: E402

STATUSES = {"actual", "planned", "expected", "threatened", "negated", "conditional"}


def _is_cameo(code: str) -> bool:
    try:
        describe(code)
    except ValueError:
        return False
    return True


def problems(path: Path) -> tuple[list[str], int, int]:
    rows = load_gold_raw(path)
    found: list[str] = [f"line {n}: {reason}" for n, reason in rows.bad]
    records = rows.good
    events = 0
    for article, _, raw_events in records:
        for event in raw_events:
            events += 1
            where = f"{article.id}:{event.get('id')}"
            text = event.get("text") or ""
            if not text or text not in article.body:
                found.append(f"{where}: text is not verbatim in the annotated text")
            root = str(event.get("root", ""))
            if len(root) != 2 or not root.isdigit() or not 1 <= int(root) <= 20:
                found.append(f"{where}: root {root!r} is not 01-20")
            code = str(event.get("code") or root)
            if not code.startswith(root) or not _is_cameo(code):
                found.append(f"{where}: code {code!r} is not a CAMEO code of root {root!r}")
            if event.get("status") not in STATUSES:
                found.append(f"{where}: status {event.get('status')!r}")
            if "required" not in event:
                found.append(f"{where}: no `required`")
    return found, len(records), events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    found, articles, events = problems(args.gold)
    if not args.quiet:
        for line in found:
            print(line)
    print(f"{args.gold}: {articles} articles, {events} events, {len(found)} problems")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
