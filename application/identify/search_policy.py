"""The limits and defaults of a search, the same for the HTTP API and the CLI."""

from __future__ import annotations

import math
from dataclasses import dataclass

from application.identify.identify_result import SearchMode

# The fastest plausible PCM a clip can come in: stereo 32-bit samples at 192 kHz
# (1.536 MB a second). Any file holding `max_clip_seconds` of audio is at most this rate
# times those seconds (compressed audio is far smaller), plus room for headers, tags,
# cover art and the multipart envelope: a body past that cannot be a clip.
MAX_PCM_BYTES_PER_SECOND = 192_000 * 2 * 4
UPLOAD_OVERHEAD_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class SearchPolicy:
    """What a search accepts, how long it may take, and what it does when not told.

    A clip lasts `min_clip_seconds` to `max_clip_seconds` (SEARCH_MAX_SECONDS), else it is
    refused (AUDIO_TOO_SHORT, AUDIO_TOO_LONG): a minute is far more than either lane needs,
    and the cap bounds what one search decodes. The limit is seconds of audio, whatever the
    format; the upload's bytes are bounded only for safety, by `max_upload_bytes`. The exact
    lane fingerprints only the clip's first `exact_clip_seconds`: its lookups grow with the
    audio, while a few seconds of a library recording already match with confidence; the
    vibe lane embeds the whole clip.

    Each lane has `lane_timeout_seconds` (SEARCH_LANE_TIMEOUT_SECONDS), after which the
    other lane's matches come back alone; the HTTP API gives up on the whole search after
    `deadline_seconds` (SEARCH_DEADLINE_SECONDS). The CLI has no deadline: whoever runs it
    waits for their own files.

    A caller that names no mode gets `default_mode`, and one that names no number of
    matches gets `default_top` per lane; at most `max_top` are returned.
    """

    min_clip_seconds: float = 1.0
    max_clip_seconds: float = 60.0
    exact_clip_seconds: float = 30.0
    lane_timeout_seconds: float = 10.0
    deadline_seconds: float = 20.0
    default_mode: SearchMode = SearchMode.BOTH
    default_top: int = 5
    max_top: int = 50

    @property
    def max_upload_bytes(self) -> int:
        """The most bytes a clip of `max_clip_seconds` can take in any format (PCM at the
        fastest plausible rate, with room for headers and tags): a larger upload is refused
        while streaming (FILE_TOO_LARGE), before it is spooled. 60 s: 93 MB."""
        return math.ceil(self.max_clip_seconds * MAX_PCM_BYTES_PER_SECOND) + UPLOAD_OVERHEAD_BYTES

    def mode(self, asked: SearchMode | None) -> SearchMode:
        return self.default_mode if asked is None else asked

    def top(self, asked: int | None) -> int:
        """Matches per lane: the number asked, brought within 1..max_top, or the default."""
        return self.default_top if asked is None else max(1, min(self.max_top, asked))
