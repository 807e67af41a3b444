"""An admin's change to a track's names: title, artist, album."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.errors import AudioIdentError, ErrorCode

NAME_MAX_LENGTH = 500


class Keep(Enum):
    """A name the edit leaves as it is (None, by contrast, clears an artist or album)."""

    KEEP = "keep"


KEEP = Keep.KEEP


class InvalidTrackEdit(AudioIdentError):
    """A title that is empty, or a name over NAME_MAX_LENGTH characters."""

    code = ErrorCode.VALIDATION_ERROR


@dataclass(frozen=True, slots=True)
class TrackNames:
    title: str
    artist: str | None
    album: str | None


@dataclass(frozen=True, slots=True)
class TrackEdit:
    """New names; `KEEP` leaves one alone. Surrounding spaces are dropped, and an artist or
    album left empty is cleared (None: the file had none)."""

    title: str | Keep = KEEP
    artist: str | Keep | None = KEEP
    album: str | Keep | None = KEEP

    def applied_to(self, names: TrackNames) -> TrackNames:
        """The names after the edit; raises InvalidTrackEdit for an empty or overlong one."""
        title = names.title if isinstance(self.title, Keep) else _checked("title", self.title)
        if not title:
            raise InvalidTrackEdit("a track needs a title", {"field": "title"})
        return TrackNames(
            title,
            names.artist if isinstance(self.artist, Keep) else _optional("artist", self.artist),
            names.album if isinstance(self.album, Keep) else _optional("album", self.album),
        )


def _optional(field: str, value: str | None) -> str | None:
    return None if value is None else (_checked(field, value) or None)


def _checked(field: str, value: str) -> str:
    cleaned = value.strip()
    if len(cleaned) > NAME_MAX_LENGTH or not cleaned.isprintable():
        raise InvalidTrackEdit(
            f"a {field} is at most {NAME_MAX_LENGTH} printable characters", {"field": field}
        )
    return cleaned
