"""Wire encoding for Kafka: topics carry bytes; models are (de)serialised at the edge."""

from __future__ import annotations

from pydantic import BaseModel


def encode(record: BaseModel) -> bytes:
    return record.model_dump_json().encode("utf-8")


def input_ref(topic: str, partition: int, offset: int) -> str:
    """Identity of one consumed input message; the key of its outcome record."""
    return f"{topic}:{partition}:{offset}"
