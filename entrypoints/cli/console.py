"""The terminal the commands write to: results on stdout, progress and notes on stderr."""

from __future__ import annotations

from rich.console import Console


def console(*, stderr: bool = False) -> Console:
    """A rich console that never wraps a line: piped into a file or another program, a
    result line stays one line (a UUID or a reason is never cut at 80 columns); on a
    terminal the terminal wraps what is too wide, as it does for any program."""
    return Console(stderr=stderr, soft_wrap=True, highlight=False)
