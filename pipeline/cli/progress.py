"""Progress of long commands: a rich bar on a terminal, plain lines otherwise (CI logs, pipes).

    with progress(len(lines), "publishing") as bar:
        for line in lines:
            send(line)
            bar.advance()

Not on a terminal, a line `publishing: 40/200 (20%)` is printed each time another tenth is
done (every `every` items when the total is unknown) and once at the end. Code that must not
import rich takes `bar.advance` (`n -> None`) or `bar.update` (`(done, total) -> None`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Tracker:
    """Counts done items; subclasses show them."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.done = 0

    def advance(self, n: int = 1) -> None:
        self.update(self.done + n)

    def update(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        self._show()

    @property
    def finished(self) -> bool:
        return self.total is not None and self.done >= self.total

    def _show(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """The context ends: show the final state if it is not shown yet."""


class LineTracker(Tracker):
    """Plain lines: one per tenth of the total (or per `every` items), and a last one."""

    def __init__(self, total: int | None, description: str, console: Console,
                 every: int = 100) -> None:
        super().__init__(total)
        self.description = description
        self.console = console
        self.every = max(1, every)
        self._shown = 0  # `done` of the last printed line
        self._step = 0  # tenths (or `every`s) printed

    def _show(self) -> None:
        step = self._step_of(self.done)
        if step > self._step or (self.finished and self._shown < self.done):
            self._step = step
            self._line()

    def _step_of(self, done: int) -> int:
        if self.total:
            return min(10, done * 10 // self.total)
        return done // self.every

    def _line(self) -> None:
        self._shown = self.done
        if self.total:
            text = f"{self.description}: {self.done}/{self.total} " \
                   f"({self.done * 100 // self.total}%)"
        else:
            text = f"{self.description}: {self.done}"
        self.console.out(text, highlight=False)

    def close(self) -> None:
        if self._shown != self.done:
            self._line()


class BarTracker(Tracker):
    """A rich progress bar; it stops (and stays on screen) once the total is reached, so
    output that follows is printed below it."""

    def __init__(self, total: int | None, description: str, console: Console) -> None:
        super().__init__(total)
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                            MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                            console=console)
        self.task: TaskID = self.bar.add_task(description, total=total)
        self.bar.start()

    def _show(self) -> None:
        self.bar.update(self.task, completed=self.done, total=self.total)
        if self.finished:
            self.bar.stop()

    def close(self) -> None:
        self.bar.stop()


@contextmanager
def progress(total: int | None, description: str, *, console: Console | None = None,
             every: int = 100) -> Iterator[Tracker]:
    """A tracker with `.advance(n)` / `.update(done, total)`: a bar when `console` (default:
    stdout) is a terminal, else plain progress lines."""
    console = console or Console()
    tracker: Tracker = (BarTracker(total, description, console) if console.is_terminal
                        else LineTracker(total, description, console, every))
    try:
        yield tracker
    finally:
        tracker.close()
