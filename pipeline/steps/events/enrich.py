"""Enrichment: CAMEO labels, quad class, Goldstein score, country names, counts."""

from __future__ import annotations

from pipeline.reference.cameo import describe
from pipeline.reference.countries import country_name
from pipeline.steps.events.aggregate import EventAggregate
from schemas.records import Actor, EnrichedEvent


def _named(actor: Actor | None) -> Actor | None:
    if actor is None or actor.country is None:
        return actor
    return actor.model_copy(update={"country_name": country_name(actor.country)})


def enrich_event(event_id: str, aggregate: EventAggregate) -> EnrichedEvent:
    """Build the canonical record consumers see on `events.enriched`."""
    event = aggregate.event
    cameo = describe(event.code)
    return EnrichedEvent(
        event_id=event_id,
        source=_named(event.source),
        target=_named(event.target),
        code=cameo.code,
        root=cameo.root,
        label=cameo.label,
        root_label=cameo.root_label,
        quad_class=cameo.quad_class,
        goldstein=cameo.goldstein,
        plover=cameo.plover,
        status=event.status,
        location=event.location,
        date_start=event.date_start,
        date_end=event.date_end,
        quantity=event.quantity,
        story_id=aggregate.story_id,
        revision=aggregate.revision,
        num_mentions=aggregate.num_mentions,
        num_articles=aggregate.num_articles,
        num_sources=aggregate.num_sources,
        first_seen=aggregate.first_seen,
        last_seen=aggregate.last_seen,
        articles=aggregate.articles,
        evidence=event.evidence,
        confidence=event.confidence,
    )
