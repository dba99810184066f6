"""Helpers for keyed stream state: event-time expiry and throttled re-emission of updates."""
