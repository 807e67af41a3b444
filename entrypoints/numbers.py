"""Numbers as every entrypoint shows them (JSON answers of the API and the CLI)."""

from __future__ import annotations


def rounded(value: float, digits: int) -> float:
    """`round`, without the negative zero a tiny negative value rounds to (-0.0004 → 0.0)."""
    return round(value, digits) + 0.0
