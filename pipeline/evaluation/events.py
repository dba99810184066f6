"""Score the event extractor against a gold file (`shared/seeds/README.md` format).

Matching. Per article, predicted and gold events are paired 1:1 (maximum bipartite matching)
on (source key, target key, CAMEO root). An actor's key is its organisation code when it has
one ("HAMAS", "UN"), else its ISO alpha-3 country ("ISRGOV" -> "ISR"); an unstated actor is
None. Organisations deliberately do NOT match their home country: HAMAS is not the
Palestinian government, so a gold annotator who accepts either lists both ("HAMAS", "PSE").
Gold `source`/`target` may be one code or a list of acceptable codes, where null means
"unstated is acceptable".

Counting. A prediction matched to any gold event is a true positive; an unmatched prediction is
a false positive; an unmatched gold event is a false negative unless it is marked
`"required": false` (optional events reward a finder but do not punish a miss). Location, date
and status are scored on matched pairs only:
- location: both unstated, or same country and same name (case-insensitive); the country-only
  figure is reported too;
- date: both unstated, or the same day / the same range (`"2025-02-04..2025-02-09"`);
- status: equal.

Grounding. A gold event's `text` is a verbatim excerpt of the body (for an elided excerpt,
"A ... B", its longest fragment). A prediction is grounded on a gold event when its evidence
sentence overlaps that excerpt: it comes from the sentence that states the event, not from a
same-key event elsewhere in the article. Grounded precision and recall repeat the maximum
matching with that extra condition (grounded matches / predictions; grounded required
matches / required gold); gold events whose excerpt is not found can only count ungrounded.

The extractor runs as the worker runs it: `worker_extractor` feeds each article, encoded as
a producer would publish it, through the ingest stage (validation, size limit, retries,
the configured `WIRESTREAM_EXTRACTOR`).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.evaluation.rows import Rows, read_rows
from pipeline.reference.countries import countries
from pipeline.settings import WirestreamSettings
from pipeline.stages.extractors import load_extractor
from pipeline.stages.ingest import EXTRACT, IngestStage
from schemas.records import Actor, Article, ExtractedEvent

Extractor = Callable[[Article], list[ExtractedEvent]]
Key = str | None


@dataclass
class EventScores:
    """Counts and figures of one scoring run."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    gold: int = 0
    gold_required: int = 0
    matched_required: int = 0
    predicted: int = 0
    articles: int = 0
    location_ok: int = 0
    location_country_ok: int = 0
    date_ok: int = 0
    status_ok: int = 0
    grounded_tp: int = 0  # matches whose prediction comes from the gold event's sentence
    grounded_required: int = 0
    gold_locatable: int = 0  # gold events whose excerpt was found in the body
    missed: list[str] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return self.tp

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.matched_required / self.gold_required if self.gold_required else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def grounded_precision(self) -> float:
        return self.grounded_tp / self.predicted if self.predicted else 0.0

    @property
    def grounded_recall(self) -> float:
        return self.grounded_required / self.gold_required if self.gold_required else 0.0

    def accuracy(self, ok: int) -> float:
        return ok / self.tp if self.tp else 0.0

    def summary(self) -> dict[str, Any]:
        """The figures as one flat JSON-able dict (rounded to 4 places)."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "recall_all": round(self.tp / self.gold, 4) if self.gold else 0.0,
            "location_accuracy": round(self.accuracy(self.location_ok), 4),
            "location_country_accuracy": round(self.accuracy(self.location_country_ok), 4),
            "date_accuracy": round(self.accuracy(self.date_ok), 4),
            "status_accuracy": round(self.accuracy(self.status_ok), 4),
            "grounded_precision": round(self.grounded_precision, 4),
            "grounded_recall": round(self.grounded_recall, 4),
            "gold_locatable": self.gold_locatable,
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "matched": self.matched,
            "gold": self.gold, "gold_required": self.gold_required,
            "predicted": self.predicted, "articles": self.articles,
        }


@dataclass(frozen=True)
class GoldEvent:
    """One gold event with its accepted actor keys."""

    id: str
    sources: frozenset[Key]
    targets: frozenset[Key]
    root: str
    location: dict[str, Any] | None
    date: str | None
    status: str | None
    required: bool
    span: tuple[int, int] | None = None  # where the gold `text` stands in the body, if found


def code_key(code: str | None) -> Key:
    """Matching key of a gold actor code: "ISRGOV" -> "ISR", "HAMAS" -> "HAMAS", None -> None."""
    if code is None:
        return None
    code = code.strip().upper()
    if code[:3] in countries() and (len(code) == 3 or code[3:].isalpha()) \
            and code not in _ORG_CODES:
        return code[:3]
    return code


# Organisation codes that happen to start with a country code's three letters.
_ORG_CODES = frozenset({"IRA"})


def actor_key(actor: Actor | None) -> Key:
    """Matching key of a predicted actor (organisation first, then country)."""
    if actor is None:
        return None
    if actor.organisation:
        return actor.organisation.upper()
    return actor.country or code_key(actor.code or None)


def _keys(value: object) -> frozenset[Key]:
    values = value if isinstance(value, list) else [value]
    return frozenset(code_key(v) for v in values)


def locate(text: str | None, body: str) -> tuple[int, int] | None:
    """Body offsets of a gold excerpt: the text itself, or for an elided excerpt ("A ... B")
    its longest fragment; None when it is not in the body."""
    if not text:
        return None
    fragment = max((f.strip() for f in text.split("...")), key=len)
    at = body.find(fragment) if fragment else -1
    return (at, at + len(fragment)) if at >= 0 else None


def parse_gold_event(raw: dict[str, Any], index: int, body: str = "") -> GoldEvent:
    return GoldEvent(
        id=str(raw.get("id", f"E{index + 1}")),
        sources=_keys(raw.get("source")),
        targets=_keys(raw.get("target")),
        root=str(raw["root"]).zfill(2)[:2],
        location=raw.get("location"),
        date=raw.get("date"),
        status=raw.get("status"),
        required=bool(raw.get("required", True)),
        span=locate(raw.get("text"), body),
    )


def load_gold(path: Path, corpora: Path | None = None) -> list[tuple[Article, list[GoldEvent]]]:
    """Read a gold JSONL file into (article, gold events) pairs.

    An article is either given in full or referenced into a corpus (docs/annotation.md):
    `{"corpus": NAME, "id": ID, "chars": N}` is the first N characters of that article's body
    in `corpora/NAME` (default: `../shared/corpora` beside the project)."""
    return [(article, events) for article, events, _ in load_gold_raw(path, corpora).good]


GoldRecord = tuple[Article, list[GoldEvent], list[dict[str, Any]]]


def load_gold_raw(path: Path, corpora: Path | None = None) -> Rows[GoldRecord]:
    """`load_gold` plus each record's raw gold events (for checks on the annotation), and
    the rows that could not be read."""

    def parse(raw: dict[str, Any]) -> GoldRecord:
        article = _article(raw["article"], corpora or DEFAULT_CORPORA)
        events = raw.get("events", [])
        return article, [parse_gold_event(e, i, article.body)
                         for i, e in enumerate(events)], events

    return read_rows(path, parse)


DEFAULT_CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"


def _article(ref: dict[str, Any], corpora: Path) -> Article:
    if "corpus" not in ref:
        return Article.model_validate(ref)
    row = _corpus(corpora / ref["corpus"])[ref["id"]]
    return Article.model_validate({
        "id": row["id"], "source": row.get("source") or "unknown", "url": row.get("url"),
        "title": row.get("title") or "", "body": row["body"][: ref["chars"]],
        "language": row.get("language") or "en", "published_at": row["published_at"]})


@functools.cache
def _corpus(path: Path) -> dict[str, dict[str, Any]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip())
    return {row["id"]: row for row in rows}


def _pairs(pred: ExtractedEvent, gold: GoldEvent) -> bool:
    return (pred.root == gold.root and actor_key(pred.source) in gold.sources
            and actor_key(pred.target) in gold.targets)


def _date_text(event: ExtractedEvent) -> str | None:
    if event.date_start is None:
        return None
    end = event.date_end or event.date_start
    return event.date_start.isoformat() if end == event.date_start else \
        f"{event.date_start.isoformat()}..{end.isoformat()}"


def _normal_gold_date(text: str | None) -> str | None:
    if not text:
        return None
    first, _, last = text.partition("..")
    first_day, last_day = date.fromisoformat(first), date.fromisoformat(last or first)
    return first_day.isoformat() if first_day == last_day else f"{first}..{last}"


def location_checks(pred: ExtractedEvent, gold: GoldEvent) -> tuple[bool, bool]:
    """(name-and-country correct, country correct) for one matched pair."""
    if not gold.location:
        return pred.location is None, pred.location is None
    if pred.location is None:
        return False, False
    country_ok = pred.location.country == gold.location.get("country")
    name_ok = pred.location.name.casefold() == str(gold.location.get("name", "")).casefold()
    return country_ok and name_ok, country_ok


def detail_checks(pred: ExtractedEvent, gold: GoldEvent) -> tuple[bool, bool, bool, bool]:
    """(location, location country, date, status) correctness of a matched pair."""
    location_ok, country_ok = location_checks(pred, gold)
    return (location_ok, country_ok, _date_text(pred) == _normal_gold_date(gold.date),
            pred.status == gold.status)


def grounded(pred: ExtractedEvent, gold: GoldEvent) -> bool:
    """The prediction's evidence sentence holds the gold excerpt (they overlap)."""
    if gold.span is None:
        return False
    return pred.evidence.start < gold.span[1] and gold.span[0] < pred.evidence.end


def match(preds: Sequence[ExtractedEvent], golds: Sequence[GoldEvent], *,
          require_grounding: bool = False) -> dict[int, int]:
    """Maximum 1:1 matching of predictions to gold events (Kuhn's augmenting paths).

    Candidates are tried best-first (more agreeing details, required before optional) so that
    among equally large matchings the one with the better pairs tends to win. With
    `require_grounding` a pair must also be `grounded`. Returns {pred index: gold index}."""
    options: list[list[int]] = []
    for pred in preds:
        fits = [g for g, gold in enumerate(golds) if _pairs(pred, gold)
                and (not require_grounding or grounded(pred, gold))]
        fits.sort(key=lambda g: (-sum(detail_checks(pred, golds[g])), not golds[g].required))
        options.append(fits)
    owner: dict[int, int] = {}  # gold index -> pred index

    def augment(p: int, seen: set[int]) -> bool:
        for g in options[p]:
            if g in seen:
                continue
            seen.add(g)
            if g not in owner or augment(owner[g], seen):
                owner[g] = p
                return True
        return False

    for p in range(len(preds)):
        augment(p, set())
    return {p: g for g, p in owner.items()}


Progress = Callable[[int, int], None]  # (articles done, articles in all), after each article


def score(records: Iterable[tuple[Article, list[GoldEvent]]], extractor: Extractor, *,
          on_article: Progress | None = None) -> EventScores:
    """Run `extractor` on every gold article and count matches (see module docstring)."""
    scores = EventScores()
    items = list(records)
    for article, golds in items:
        preds = extractor(article)
        pairs = match(preds, golds)
        scores.articles += 1
        scores.predicted += len(preds)
        scores.gold += len(golds)
        scores.gold_required += sum(g.required for g in golds)
        scores.tp += len(pairs)
        scores.fp += len(preds) - len(pairs)
        matched_gold = set(pairs.values())
        for g, gold in enumerate(golds):
            if g in matched_gold:
                scores.matched_required += gold.required
            elif gold.required:
                scores.fn += 1
                scores.missed.append(f"{article.id}:{gold.id}")
        grounded_pairs = match(preds, golds, require_grounding=True)
        scores.grounded_tp += len(grounded_pairs)
        scores.grounded_required += sum(golds[g].required for g in grounded_pairs.values())
        scores.gold_locatable += sum(g.span is not None for g in golds)
        for p, g in pairs.items():
            location_ok, country_ok, date_ok, status_ok = detail_checks(preds[p], golds[g])
            scores.location_ok += location_ok
            scores.location_country_ok += country_ok
            scores.date_ok += date_ok
            scores.status_ok += status_ok
        if on_article is not None:
            on_article(scores.articles, len(items))
    return scores


def render(scores: EventScores, title: str) -> Table:
    """A readable table of the figures."""
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("over", justify="right")
    rows = [
        ("precision", scores.precision, f"{scores.tp}/{scores.tp + scores.fp} predicted"),
        ("recall (required)", scores.recall,
         f"{scores.matched_required}/{scores.gold_required} gold"),
        ("F1", scores.f1, ""),
        ("grounded precision", scores.grounded_precision,
         f"{scores.grounded_tp}/{scores.predicted} predicted"),
        ("grounded recall (required)", scores.grounded_recall,
         f"{scores.grounded_required}/{scores.gold_required} gold"),
        ("location accuracy", scores.accuracy(scores.location_ok), f"{scores.tp} matched"),
        ("location country accuracy", scores.accuracy(scores.location_country_ok),
         f"{scores.tp} matched"),
        ("date accuracy", scores.accuracy(scores.date_ok), f"{scores.tp} matched"),
        ("status accuracy", scores.accuracy(scores.status_ok), f"{scores.tp} matched"),
    ]
    for name, value, over in rows:
        table.add_row(name, f"{value:.3f}", over)
    return table


def worker_extractor(settings: WirestreamSettings) -> Extractor:
    """Events as the worker's ingest stage finds them: the configured extractor behind the
    same validation, size limit and retries, fed the article as a producer would publish it."""
    stage = IngestStage.from_settings(load_extractor(settings.extractor), settings,
                                      lambda: datetime.now(UTC))

    def extract(article: Article) -> list[ExtractedEvent]:
        result = stage.process(article.model_dump_json().encode(), "eval:0:0", 0.0)
        return result.events if EXTRACT in result.finished else []

    return extract


def run(gold: Path, console: Console, *, on_article: Progress | None = None) -> dict:
    """Score the worker's extraction on `gold`; print a table, then one JSON line last."""
    rows = load_gold_raw(gold)
    if rows.bad:
        console.print(f"[yellow]{rows.summary()}[/]")
    records = [(article, events) for article, events, _ in rows.good]
    scores = score(records, worker_extractor(WirestreamSettings()), on_article=on_article)
    console.print(render(scores, f"event extraction vs {gold.name} ({scores.articles} articles)"))
    if scores.missed:
        console.print(f"missed required: {', '.join(scores.missed[:40])}"
                      + (" ..." if len(scores.missed) > 40 else ""))
    summary = {**scores.summary(), "bad_rows": len(rows.bad)}
    console.file.flush()
    # One compact line, last, for machines (print_json would pretty-print over many lines).
    sys.stdout.write(json.dumps(summary) + "\n")
    sys.stdout.flush()
    return summary
