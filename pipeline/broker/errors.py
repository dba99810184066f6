"""The one error the broker package raises, and how much process output it quotes."""

from __future__ import annotations

# Lines of a failed process's output (Maven, the broker log) quoted in a BrokerError.
LOG_TAIL_LINES = 30


class BrokerError(RuntimeError):
    """The local broker could not be set up, started, reached or stopped."""
