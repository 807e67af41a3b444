"""Which of two copies of one recording the library keeps.

A copy that holds more of the recording wins first (a truncated copy is contained in the
full one); among copies of the same length, lossless beats lossy, then a clearly higher
bitrate wins (lossy copies only: a lossless file's bitrate says how well it compressed,
not how good it sounds), then a clearly longer one. Ties keep the copy already kept, so
the same files ingested again never swap back and forth.

"Longer" holds more of the recording only when the longer file goes on with the kept
copy's recording; ingest asks `domain.library.continuation` before it replaces anything
for that reason (a mix that holds the track is longer too).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Codecs that keep every sample (ffprobe's codec names).
LOSSLESS_CODECS = frozenset(
    {"flac", "alac", "ape", "wavpack", "tta", "tak", "mlp", "truehd", "shorten", "wmalossless"}
)
# Containers that hold lossless audio whatever their codec, for tracks recorded before the
# codec was (their rows have only the container's name).
LOSSLESS_FORMATS = frozenset({"flac", "wav", "aiff", "w64", "ape", "wv", "tta"})
CONTAINED_GAP = 0.05  # relative length difference past which one copy contains the other
BITRATE_MARGIN = 1.10  # a VBR re-encode's bitrate wobbles by a few per cent
LONGER_MARGIN_SECONDS = 1.0  # encoder padding and trimmed silence are not "more" audio


class Preference(StrEnum):
    """Why a new copy replaces the kept one (the word the ingest outcome reports)."""

    LONGER = "longer"
    LOSSLESS = "lossless"
    HIGHER_BITRATE = "higher bitrate"


@dataclass(frozen=True, slots=True)
class CopyQuality:
    """What the rule looks at in a copy: its codec (or container), bitrate and length."""

    codec: str | None
    format: str
    bitrate: int | None
    duration_seconds: float

    @property
    def lossless(self) -> bool:
        if self.codec is not None and self.codec.startswith("pcm_"):
            return True
        if self.codec is not None and self.codec != "unknown":
            return self.codec in LOSSLESS_CODECS
        return self.format in LOSSLESS_FORMATS


def preference(new: CopyQuality, kept: CopyQuality) -> Preference | None:
    """Why `new` should replace `kept`, or None when `kept` stays."""
    longer = max(new.duration_seconds, kept.duration_seconds)
    if longer > 0 and abs(new.duration_seconds - kept.duration_seconds) / longer > CONTAINED_GAP:
        return Preference.LONGER if new.duration_seconds > kept.duration_seconds else None
    if new.lossless != kept.lossless:
        return Preference.LOSSLESS if new.lossless else None
    if not new.lossless and new.bitrate and kept.bitrate:
        if new.bitrate > kept.bitrate * BITRATE_MARGIN:
            return Preference.HIGHER_BITRATE
        if kept.bitrate > new.bitrate * BITRATE_MARGIN:
            return None
    if new.duration_seconds > kept.duration_seconds + LONGER_MARGIN_SECONDS:
        return Preference.LONGER
    return None
