"""Progress output of long management commands, one way for all of them (``tqdm``).

``command_progress(command, verbosity=..., total=..., desc=...)`` writes to the command's
stderr, whatever the command: stdout keeps the command's results. On a terminal it draws a
``tqdm`` bar; where stderr is not a terminal (CI logs, cron mail, a test's buffer) it writes a
plain line every ``every`` items and one at the end, in the same words as the bar; with
``--verbosity 0`` it writes nothing.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm

# The plain lines: the bar's text without the bar, e.g.
# "  tender: 2000/8000 (25%) [00:04<00:12, 498.21 rows/s]".
LINE_FORMAT = (
    "  {desc}: {n_fmt}/{total_fmt} ({percentage:.0f}%) [{elapsed}<{remaining}, {rate_fmt}]"
)
LINE_FORMAT_NO_TOTAL = "  {desc}: {n_fmt} [{elapsed}, {rate_fmt}]"


class _Stream:
    """What tqdm writes to: the command's OutputWrapper, without the newline it adds."""

    def __init__(self, wrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


class Progress:
    """Count done items with ``update(done)`` (a running total, as the services report it);
    write other lines during the run with ``write(text)`` so that they do not cut the bar."""

    def __init__(
        self, wrapper, *, shown: bool, total: int | None, desc: str, unit: str, every: int
    ):
        self.wrapper = wrapper
        self.total = total
        self.desc = desc
        self.unit = unit
        self.every = every
        self.done = 0
        self.written = 0  # the count of the last plain line
        self.started = time.monotonic()
        self.bar: tqdm | None = None
        self.shown = shown
        if shown and wrapper.isatty():
            self.bar = tqdm(
                total=total,
                desc=desc,
                unit=f" {unit}",
                file=_Stream(wrapper),
                # tqdm measures only sys.stderr itself; and a pty that reports no height (0 rows)
                # would make it hide its only bar
                ncols=shutil.get_terminal_size().columns,
                nrows=20,
                mininterval=0.5,
                leave=True,
            )

    def update(self, done: int) -> None:
        if done <= self.done:
            return
        if self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done
        if self.bar is None and self.every and done - self.written >= self.every:
            self._line()

    def write(self, text: str) -> None:
        if self.bar is not None:
            self.bar.clear()
            self.wrapper.write(text)
            self.bar.refresh()
        else:
            self.wrapper.write(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.shown and self.every and self.done != self.written:
            self._line()

    def _line(self) -> None:
        self.written = self.done
        if not self.shown:
            return
        self.wrapper.write(
            tqdm.format_meter(
                self.done,
                self.total,
                time.monotonic() - self.started,
                prefix=self.desc,
                unit=f" {self.unit}",
                bar_format=LINE_FORMAT if self.total else LINE_FORMAT_NO_TOTAL,
            )
        )


@contextmanager
def command_progress(
    command,
    *,
    verbosity: int,
    total: int | None,
    desc: str,
    unit: str = "rows",
    every: int = 1000,
) -> Iterator[Progress]:
    """The progress of one phase of ``command`` (a BaseCommand), a line every ``every`` items
    and one at the end where stderr is not a terminal; ``every=0``: only the bar, on a terminal."""
    progress = Progress(
        command.stderr, shown=verbosity >= 1, total=total, desc=desc, unit=unit, every=every
    )
    try:
        yield progress
    finally:
        progress.close()
