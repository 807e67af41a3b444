from __future__ import annotations

from typing import Protocol

from domain.ports.unit_of_work import UnitOfWork


class UnitOfWorkFactory(Protocol):
    """Opens a fresh unit of work; use cases open one per transaction they need."""

    def __call__(self) -> UnitOfWork: ...
