"""Argument types the commands share: numbers refused outside their range, by argparse."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def int_within(low: int, high: int | None = None) -> Callable[[str], int]:
    """An int in low..high (no upper bound when None); argparse refuses any other with
    exit code 2 and a sentence, before the command starts."""

    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"must be {bounds}, not {value}")
        return value

    return number
