"""One small error hierarchy; errors are data with a stable `error_type` and a policy.

The policy decides what a stage does with a record whose step raised: dead-letter it and
move on (the record itself is bad: retrying cannot help), or run the step again (anything
else may be a passing fault), at most `attempts` runs before the record is dead-lettered as
`step_failed`. A record never crashes the worker; only what is not an `Exception`
(cancellation, interpreter exit) propagates and stops it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import TypeVar

log = logging.getLogger(__name__)

R = TypeVar("R")


class Action(Enum):
    DEAD_LETTER = "dead_letter"  # dead-letter the input, commit, go on with the next record
    RETRY = "retry"  # run the step again (bounded by `attempts`)


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


class OutputTooLargeError(InputError):
    """A record the input would produce exceeds `max_message_bytes`: the input is dead-lettered
    rather than lost to a producer refusing the record."""

    error_type = "output_too_large"


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


def policy(error: Exception) -> Action:
    """Map an error a step raised on a record to what the stage does next."""
    if isinstance(error, WirestreamError) and not error.retriable:
        return Action.DEAD_LETTER
    return Action.RETRY


def call_with_retries(
    step: Callable[[], R], *, attempts: int, on_retry: Callable[[Exception], None]
) -> R:
    """Run `step` as the policy says: retry errors worth retrying, up to `attempts` runs.

    Input errors are final at once (the same bad record fails the same way); anything else
    may be a passing fault (memory pressure, a flaky lookup), so it gets a bounded number of
    further tries before the caller dead-letters the record. The last error propagates.
    """
    for attempt in range(1, attempts + 1):
        try:
            return step()
        except Exception as exc:
            if policy(exc) is Action.DEAD_LETTER or attempt >= attempts:
                raise
            on_retry(exc)
    raise AssertionError("unreachable: attempts must be >= 1")  # pragma: no cover


def as_input_error(error: Exception, stage: str, attempts: int) -> InputError:
    """The dead-letter reason of a record whose step still failed after the policy's runs."""
    if isinstance(error, InputError):
        return error
    log.error("step %s failed on a record", stage, exc_info=error)
    return StepFailedError(f"{stage} failed {attempts} times: {type(error).__name__}: {error}",
                           stage=stage)
