"""Generate JSON Schema files and an AsyncAPI document from the record models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline import topics as T
from pipeline.adapters.subscribe import TOPIC_MODELS
from schemas.records import RECORD_MODELS

# What each topic's key is and what it holds; the record model comes from the one topic ->
# model map (`pipeline.adapters.subscribe.TOPIC_MODELS`, which consumers read with).
_DOCS: dict[str, tuple[str, str]] = {
    T.ARTICLES_RAW: ("article id (optional)", "Articles as producers publish them"),
    T.ARTICLES_DLQ: ("input topic:partition:offset", "Rejected inputs, with why"),
    T.ARTICLES_OUTCOMES: ("input topic:partition:offset",
                          "Exactly one per consumed input (compacted)"),
    T.ARTICLES_VALID: ("article id", "Internal: valid articles with their events and dedup sketch"),
    T.EVENTS_CANDIDATES: ("article id", "Internal: an article's event mentions, one record "
                          "per partition their canonical event ids hash to"),
    T.EVENTS_ENRICHED: ("canonical event id",
                        "Canonical events, re-emitted as counts change (compacted)"),
    T.EVENTS_MENTIONS: ("mention id", "Every mention of an event in an article"),
    **{topic: ("canonical event id",
               f"Optional (WIRESTREAM_QUAD_TOPICS): the events of quad class {quad} "
               f"({label}), as on events.enriched (compacted)")
       for quad, (topic, label) in enumerate(zip(T.EVENTS_QUAD, (
           "verbal cooperation", "material cooperation", "verbal conflict",
           "material conflict"), strict=True), start=1)},
}
# Which record each topic carries, and what its key is.
CHANNELS: dict[str, tuple[type, str, str]] = {
    topic: (TOPIC_MODELS[topic], key, doc) for topic, (key, doc) in _DOCS.items()}


def json_schemas() -> dict[str, dict[str, Any]]:
    return {name: model.model_json_schema() for name, model in sorted(RECORD_MODELS.items())}


def asyncapi() -> dict[str, Any]:
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Wirestream", "version": "0.1.0",
                 "description": "News articles in, structured events out, on Kafka."},
        "channels": {
            topic: {
                "address": topic,
                "description": f"{doc}. Key: {key}.",
                "messages": {model.__name__: {"$ref": f"#/components/messages/{model.__name__}"}},
            }
            for topic, (model, key, doc) in CHANNELS.items()
        },
        "components": {
            "messages": {
                name: {"contentType": "application/json",
                       "payload": {"$ref": f"json/{name}.schema.json"}}
                for name in sorted(RECORD_MODELS)
            }
        },
    }


def render_documents() -> dict[str, str]:
    """Relative path → file content, for every generated document."""
    docs = {f"json/{name}.schema.json": _dump(schema) for name, schema in json_schemas().items()}
    docs["asyncapi.json"] = _dump(asyncapi())
    return docs


def write_documents(out: Path) -> list[Path]:
    written = []
    for rel, text in render_documents().items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"
