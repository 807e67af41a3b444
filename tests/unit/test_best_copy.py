"""The best-copy rule: which of two copies of one recording the library keeps."""

from __future__ import annotations

import pytest

from domain.library.best_copy import CopyQuality, Preference, preference


def _copy(
    codec: str | None, seconds: float = 180.0, bitrate: int | None = 128_000, fmt: str = "mp3"
) -> CopyQuality:
    return CopyQuality(codec, fmt, bitrate, seconds)


@pytest.mark.parametrize(
    ("new", "kept", "expected"),
    [
        (_copy("flac", fmt="flac"), _copy("mp3"), Preference.LOSSLESS),
        (_copy("mp3"), _copy("flac", fmt="flac"), None),
        (_copy("pcm_s16le", fmt="wav"), _copy("vorbis", fmt="ogg"), Preference.LOSSLESS),
        # Rows recorded before codecs were: the container tells.
        (_copy("flac", fmt="flac"), _copy(None, fmt="wav"), None),
        (_copy("mp3", bitrate=320_000), _copy("mp3", bitrate=128_000), Preference.HIGHER_BITRATE),
        (_copy("mp3", bitrate=132_000), _copy("mp3", bitrate=128_000), None),  # VBR wobble
        # A lossless file's bitrate is how well it compressed: no reason to swap.
        (
            _copy("flac", bitrate=1_000_000, fmt="flac"),
            _copy("flac", bitrate=700_000, fmt="flac"),
            None,
        ),
        # Holding more of the recording wins over everything else, and only it.
        (_copy("mp3", seconds=180.0), _copy("flac", seconds=18.0, fmt="flac"), Preference.LONGER),
        (_copy("flac", seconds=18.0, fmt="flac"), _copy("mp3", seconds=180.0), None),
        (_copy("mp3", seconds=182.0), _copy("mp3", seconds=180.0), Preference.LONGER),
        (_copy("mp3", seconds=180.4), _copy("mp3", seconds=180.0), None),  # encoder padding
        (_copy("mp3"), _copy("mp3"), None),  # a tie keeps the kept copy
    ],
)
def test_which_copy_is_kept(
    new: CopyQuality, kept: CopyQuality, expected: Preference | None
) -> None:
    assert preference(new, kept) is expected
