"""One small error hierarchy; errors are data with a stable `error_type` and a policy.

The policy decides per error: dead-letter the input and move on, retry, or crash the worker.
Input problems are never retriable (retrying a bad record cannot help); infrastructure
problems are.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

T = TypeVar("T")


class Action(Enum):
    DEAD_LETTER = "dead_letter"
    RETRY = "retry"
    CRASH = "crash"


class WirestreamError(Exception):
    """Base class. `error_type` is the stable, bounded label used in metrics and dead letters."""

    error_type = "internal_error"
    retriable = False

    def __init__(self, message: str, *, stage: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.stage = stage


class InputError(WirestreamError):
    """The input record itself is bad; it goes to the dead-letter topic."""

    error_type = "invalid_input"


class OversizeError(InputError):
    error_type = "oversize"


class DecodeError(InputError):
    error_type = "invalid_encoding"


class InvalidJsonError(InputError):
    error_type = "invalid_json"


class SchemaError(InputError):
    error_type = "schema_violation"


class EmptyBodyError(SchemaError):
    error_type = "empty_body"


class StepFailedError(InputError):
    """A processing step raised on this record (a poison message): dead-letter, move on."""

    error_type = "step_failed"


class TransientError(WirestreamError):
    """Infrastructure hiccup (broker, network); worth retrying."""

    error_type = "transient"
    retriable = True


def policy(error: BaseException) -> Action:
    """Map an error to what the worker does with the record that caused it."""
    if isinstance(error, InputError):
        return Action.DEAD_LETTER
    if isinstance(error, WirestreamError) and error.retriable:
        return Action.RETRY
    return Action.CRASH


def call_with_retries(
    step: Callable[[], T], *, attempts: int, on_retry: Callable[[BaseException], None]
) -> T:
    """Run `step`, retrying unexpected errors up to `attempts` runs in all.

    Input errors are final at once (the same bad record fails the same way); anything else
    may be a passing fault (memory pressure, a flaky lookup), so it gets a bounded number of
    further tries before the caller dead-letters the record. The last error propagates.
    """
    for attempt in range(1, attempts + 1):
        try:
            return step()
        except InputError:
            raise
        except Exception as exc:
            if attempt >= attempts:
                raise
            on_retry(exc)
    raise AssertionError("unreachable: attempts must be >= 1")  # pragma: no cover
