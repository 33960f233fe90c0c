"""The one progress helper of the management commands: lines in logs, a bar on a terminal."""

from __future__ import annotations

import io
import re

from django.core.management.base import BaseCommand

from marketplace.progress import command_progress


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run(stderr, *, verbosity=1, total=2500, every=1000, steps=range(250, 2501, 250)):
    command = BaseCommand(stderr=stderr)
    with command_progress(
        command, verbosity=verbosity, total=total, desc="tender", every=every
    ) as progress:
        for done in steps:
            progress.update(done)
    return stderr.getvalue()


def test_not_a_terminal_gets_a_line_every_n_items_and_one_at_the_end():
    lines = run(io.StringIO()).splitlines()

    assert [line.split(" [")[0] for line in lines] == [
        "  tender: 1000/2500 (40%)",
        "  tender: 2000/2500 (80%)",
        "  tender: 2500/2500 (100%)",
    ]
    assert all(line.endswith(" rows/s]") for line in lines)


def test_an_unknown_total_counts_without_a_share():
    lines = run(io.StringIO(), total=None, steps=[1000, 1500]).splitlines()

    assert [line.split(" [")[0] for line in lines] == ["  tender: 1000", "  tender: 1500"]


def test_verbosity_0_writes_nothing_on_a_terminal_or_elsewhere():
    assert run(io.StringIO(), verbosity=0) == ""
    assert run(Terminal(), verbosity=0) == ""


def test_every_0_writes_no_lines_where_there_is_no_terminal():
    assert run(io.StringIO(), every=0) == ""


def test_a_terminal_gets_one_bar_redrawn_in_place_and_no_lines():
    out = run(Terminal())

    assert "\r" in out and out.count("\n") == 1  # one line, ended when the phase is done
    assert "tender: 100%|" in out and "| 2500/2500 [" in out
    assert "\x1b[" not in out  # not coloured as an error


def test_lines_written_during_a_bar_do_not_cut_it():
    stderr = Terminal()
    command = BaseCommand(stderr=stderr)
    with command_progress(command, verbosity=1, total=2, desc="bids") as progress:
        progress.update(1)
        progress.write("  bid 7: document 2 differs")
        progress.update(2)

    out = stderr.getvalue()
    # the bar is wiped (spaces to the end of the line), the line written, the bar drawn again
    assert re.search(r"\r +\r  bid 7: document 2 differs\n\rbids:  50%\|", out)
    assert "bids: 100%|" in out.rsplit("\n", 2)[1]
