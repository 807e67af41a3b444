"""Contract of DedupFingerprinter: copies of a recording compare as near-duplicates,
different recordings do not. Runs on the in-memory twin and on libchromaprint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adapters.chromaprint.dedup_fingerprinter import ChromaprintDedupFingerprinter
from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.memory.dedup_fingerprinter import BandEnergyDedupFingerprinter
from domain.audio import PcmAudio
from domain.library.near_duplicate import compare, is_near_duplicate
from domain.ports.dedup_fingerprinter import DedupFingerprinter
from tests.support.audio_factory import encode, synth_track, write_wav


@pytest.fixture(params=["memory", "chromaprint"])
def printer(request: pytest.FixtureRequest) -> DedupFingerprinter:
    if request.param == "memory":
        return BandEnergyDedupFingerprinter()
    return ChromaprintDedupFingerprinter()


async def _reencoded(audio: PcmAudio, folder: Path) -> PcmAudio:
    wav = write_wav(folder / "original.wav", audio)
    mp3 = encode(wav, folder / "copy.mp3", "-b:a", "64k")
    return await FfmpegAudioDecoder().decode(mp3, audio.sample_rate)


async def test_same_audio_gives_the_same_print(printer: DedupFingerprinter) -> None:
    audio = synth_track(seed=7, seconds=20.0)
    first, second = await printer.fingerprint(audio), await printer.fingerprint(audio)
    assert len(first.words) > 100
    assert np.array_equal(first.words, second.words)


async def test_a_reencoded_copy_is_a_near_duplicate(
    printer: DedupFingerprinter, audio_dir: Path
) -> None:
    audio = synth_track(seed=8, seconds=30.0)
    original = await printer.fingerprint(audio)
    copy = await printer.fingerprint(await _reencoded(audio, audio_dir))
    assert is_near_duplicate(original, 30.0, copy, 30.0)


async def test_a_shifted_copy_is_found_by_alignment(printer: DedupFingerprinter) -> None:
    audio = synth_track(seed=9, seconds=30.0)
    shifted = PcmAudio(np.concatenate([np.zeros(8000, np.float32), audio.samples]), 16_000)
    result = compare(await printer.fingerprint(audio), await printer.fingerprint(shifted))
    assert result.similarity > 0.8
    assert result.offset_words != 0


async def test_different_recordings_are_not_duplicates(printer: DedupFingerprinter) -> None:
    first = await printer.fingerprint(synth_track(seed=10, seconds=30.0))
    second = await printer.fingerprint(synth_track(seed=11, seconds=30.0))
    assert not is_near_duplicate(first, 30.0, second, 30.0)
