"""Canonical events: identity (which mentions are one real event), aggregation of mentions
into counts, and enrichment into the `EnrichedEvent` consumers see."""
