from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Protocol

from domain.audio import PcmAudio
from domain.timeline.audio_source import AudioSource


class AudioStreamDecoder(Protocol):
    """Decodes audio while it arrives, in blocks, never holding the whole input."""

    def blocks(
        self, source: AudioSource, sample_rate: int, block_seconds: float
    ) -> AsyncGenerator[PcmAudio, None]:
        """The first audio stream as mono float32 at `sample_rate`, in blocks of exactly
        `block_seconds` (the last one may be shorter), until the input ends.

        Input that is not audio raises InvalidAudio (EMPTY_FILE) or DecodingFailed before any
        block; bytes that end before any arrived are no audio and no error (a listener who
        stopped at once). An address that cannot be opened (refused, unknown host, timed
        out, an HTTP error) raises SourceUnreachable before any block. Input that breaks off
        (a dropped connection, a source that fails) raises InputBrokeOff after the blocks
        decoded before it. A consumer that stops early stops the decoding: nothing keeps
        running or reading.
        """
        ...
