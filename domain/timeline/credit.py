"""What an export of a timeline shows of a track: its title and artist.

A library `Track` is one; so is a track named in a request (the HTTP export takes the
segments a client already holds), so the CSV and CUE formats need no database row.
"""

from __future__ import annotations

from typing import Protocol


class Credit(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def artist(self) -> str | None: ...
