"""Build `pipeline/reference/data/clause-verbs.json` from PETRARCH2's CAMEO verb dictionary.

The clause engine (`pipeline/steps/clauses/structural.py`) codes a verb the lexicon does not
know only when the parse gives it an actor subject and an actor object, so it can take the
whole dictionary, not only the blocks whose verbs name their event alone
(`build_cameo_verbs.py`). Kept per verb lemma: the words that follow it in a multi-word verb
("meet with"), its code (its own, else its block's; verbs of uncoded `---` blocks keep only
their patterns) and the patterns with nothing before the verb: `* NOUN`, `* {ADJ NOUN}`,
`* (PREP NOUN)` and `* NOUN (PREP NOUN)`, as (object head, preposition, prepositional object
head, code), with synonym sets (`&MILITARY`) expanded to their words.

    python scripts/build_clause_verbs.py ../shared/dictionaries/phoenix
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "reference" / "data" / "clause-verbs.json"
SOURCE = "CAMEO.2.0.txt"
_BLOCK = re.compile(r"^---\s+(\S+)\s+\[([0-9:-]*)\]\s*---")
_VERB = re.compile(r"^(\+?[A-Z][A-Z_'+-]*)\s*(?:\{([^}]*)\})?\s*(?:\[([0-9-]+)\])?\s*$")
_PATTERN = re.compile(r"^-\s+\*\s+(.*?)\s*\[([0-9:-]+)\]")
_TOKEN = re.compile(r"\([^)]*\)|\{[^}]*\}|\S+")
# Verbs the parse finds everywhere that name no event however they are used.
_NEVER = frozenset({"be", "have", "do", "say", "make", "get", "go", "come", "see", "know", "use",
                    "want", "need", "try", "seem", "become", "put", "let", "show", "think",
                    "tell", "add", "note", "include", "continue", "begin", "start",
                    "take", "give", "find", "look", "leave", "keep", "hold", "run", "turn",
                    "call", "ask", "report", "work", "play", "move", "live", "believe", "mean",
                    "follow", "write", "read", "speak", "talk", "expect", "hope", "plan", "like",
                    "feel", "remain", "set", "stand", "lead", "bring", "allow", "help", "pay",
                    "change", "face", "meet"})


def _code(raw: str) -> str | None:
    """The first code of `[036:036]`; None for the null code."""
    first = raw.split(":", 1)[0]
    return first if first.isdigit() else None


def _words(token: str, synsets: dict[str, list[str]]) -> list[str]:
    """The head words a pattern token stands for (a braced phrase: its last word)."""
    token = token.strip("{}")
    head = token.split()[-1] if token.split() else ""
    if head.startswith("&"):
        return synsets.get(head, [])
    if not re.fullmatch(r"[A-Z][A-Z'-]*", head):
        return []  # $, +, %, ^ markers and odd tokens
    return [head.lower()]


def _pattern(text: str, code: str, synsets: dict[str, list[str]]) -> list[list[str | None]]:
    """(object, preposition, prepositional object, code) rows of one pattern."""
    tokens = _TOKEN.findall(text)
    if not tokens or len(tokens) > 2:
        return []
    obj: list[str | None] = [None]
    prep: tuple[str | None, list[str | None]] = (None, [None])
    if not tokens[0].startswith("("):
        obj = list(_words(tokens[0], synsets))
        tokens = tokens[1:]
        if not obj:
            return []
    if tokens:
        inner = tokens[0].strip("()").split(None, 1)
        if len(inner) != 2 or not tokens[0].startswith("("):
            return []
        heads = _words(inner[1], synsets)
        if not heads:
            return []
        prep = (inner[0].lower(), list(heads))
    return [[o, prep[0], p, code] for o in obj for p in prep[1]]


def parse(text: str) -> dict[str, dict]:
    """{"blocks": {name: {"code": c, "patterns": [[obj, prep, pobj, code], ...]}},
    "verbs": {lemma: [{"after": [...], "code": own code or null, "block": name}]}}."""
    lines = [raw.split("#", 1)[0].rstrip() for raw in text.splitlines()]
    synsets = _synsets(lines)
    blocks: dict[str, dict[str, object]] = {}
    verbs: dict[str, list[dict[str, object]]] = {}
    block: dict[str, object] | None = None
    name = ""
    for line in lines:
        found_block = _BLOCK.match(line)
        if found_block is not None:
            name = found_block.group(1)
            block = {"code": _code(found_block.group(2)), "patterns": []}
            blocks[name] = block
            continue
        if not line or block is None:
            continue
        pattern = _PATTERN.match(line)
        if pattern is not None:
            code = _code(pattern.group(2))
            if code is not None:
                for row in _pattern(pattern.group(1), code, synsets):
                    if row not in block["patterns"]:  # type: ignore[operator]
                        block["patterns"].append(row)  # type: ignore[attr-defined]
            continue
        found = _VERB.match(line)
        if found is None or line.startswith(("-", "&")):
            continue
        member = _member(found, name)
        if member is not None:
            verbs.setdefault(str(member.pop("lemma")), []).append(member)
    kept = {lemma: entries for lemma, entries in sorted(verbs.items()) if lemma not in _NEVER
            and any(e["code"] or blocks[str(e["block"])]["code"]
                    or blocks[str(e["block"])]["patterns"] for e in entries)}
    used = {str(e["block"]) for entries in kept.values() for e in entries}
    return {"blocks": {n: blocks[n] for n in sorted(used)}, "verbs": kept}


def _member(found: re.Match[str], block: str) -> dict[str, object] | None:
    """One verb line: its lemma, the words after it, its own code, its block."""
    phrase, _forms, own = found.groups()
    words = [w for w in phrase.lower().split("_") if w]
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    if marked and marked[0] != 0:
        return None  # a word before the verb ("wire +tap"): the parse rarely agrees
    words = [w.lstrip("+") for w in words]
    return {"lemma": words[0], "after": words[1:], "code": _code(own) if own else None,
            "block": block}


def _synsets(lines: list[str]) -> dict[str, list[str]]:
    """`&NAME` -> its member words (lower case; a phrase's last word)."""
    out: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        if line.startswith("&"):
            current = line.strip().rstrip("_")
            out[current] = []
        elif current is not None and line.startswith("+"):
            word = line.lstrip("+").split("{")[0].strip().lower().split("_")[-1]
            if word:
                out[current].append(word)
        elif line.startswith("---") or line.startswith("####### VERB"):
            current = None
    for name in list(out):
        out[name + "_"] = out[name]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phoenix", type=Path, help="the folder of the Phoenix dictionaries")
    args = parser.parse_args()
    data = parse((args.phoenix / SOURCE).read_text(encoding="latin-1"))
    OUT.write_text(json.dumps({
        "_doc": "Built by scripts/build_clause_verbs.py from CAMEO.2.0.txt (Phoenix "
                "dictionaries, MIT licence: LICENSE.phoenix). verbs: lemma -> entries (after: "
                "words that follow the verb; code: the verb's own CAMEO code or null; block); "
                "blocks: name -> code (null: none) and patterns [object head, preposition, "
                "prepositional object head, code].", **data},
        ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    patterns = sum(len(b["patterns"]) for b in data["blocks"].values())
    print(f"{OUT}: {len(data['verbs'])} verbs, {len(data['blocks'])} blocks, "  # noqa: T201
          f"{patterns} patterns")


if __name__ == "__main__":
    main()
