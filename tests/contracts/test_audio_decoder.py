"""Contract of AudioDecoder: in-memory twin and ffmpeg."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import numpy as np
import pytest

from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.memory.audio_decoder import InMemoryAudioDecoder
from domain.errors import DecodingFailed
from domain.ports.audio_decoder import AudioDecoder
from tests.support.audio_factory import encode, synth_track, write_wav


@pytest.fixture(params=["memory", "memory-reading-wav", "ffmpeg"])
def decoder_and_file(request: pytest.FixtureRequest, audio_dir: Path) -> tuple[AudioDecoder, Path]:
    audio = synth_track(seed=4, seconds=4.0, rate=44_100)
    path = write_wav(audio_dir / "tone.wav", audio)
    if request.param == "memory":
        memory = InMemoryAudioDecoder()
        memory.register(path.name, audio)
        return memory, path
    if request.param == "memory-reading-wav":
        return InMemoryAudioDecoder(), path  # not registered: read from the file itself
    return FfmpegAudioDecoder(), path


async def test_probe_reports_the_stream(decoder_and_file: tuple[AudioDecoder, Path]) -> None:
    decoder, path = decoder_and_file
    info = await decoder.probe(path)
    assert info.duration_seconds == pytest.approx(4.0, abs=0.05)
    assert info.sample_rate == 44_100
    assert info.channels == 1


@pytest.mark.parametrize("rate", [16_000, 48_000])
async def test_decode_resamples_to_mono_f32(
    decoder_and_file: tuple[AudioDecoder, Path], rate: int
) -> None:
    decoder, path = decoder_and_file
    audio = await decoder.decode(path, rate)
    assert audio.sample_rate == rate
    assert audio.samples.dtype == np.float32
    assert audio.duration_seconds == pytest.approx(4.0, abs=0.05)
    assert 0.3 < float(np.max(np.abs(audio.samples))) <= 1.0


async def test_not_audio_is_refused(
    decoder_and_file: tuple[AudioDecoder, Path], audio_dir: Path
) -> None:
    decoder, _ = decoder_and_file
    junk = audio_dir / "junk.mp3"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(DecodingFailed):
        await decoder.probe(junk)
    with pytest.raises(DecodingFailed):
        await decoder.decode(junk, 16_000)


async def test_ffmpeg_reads_compressed_formats(audio_dir: Path) -> None:
    wav = write_wav(audio_dir / "x.wav", synth_track(seed=5, seconds=5.0, rate=44_100))
    decoder = FfmpegAudioDecoder()
    for suffix in (".mp3", ".ogg", ".flac", ".m4a"):
        encoded = encode(wav, audio_dir / f"x{suffix}")
        audio = await decoder.decode(encoded, 16_000)
        assert audio.duration_seconds == pytest.approx(5.0, abs=0.1), suffix
        assert (await decoder.probe(encoded)).duration_seconds == pytest.approx(5.0, abs=0.1)


async def test_a_file_without_audio_is_refused(audio_dir: Path) -> None:
    image = audio_dir / "picture.png"
    lavfi = ["-f", "lavfi", "-i", "color=c=red:s=8x8", "-frames:v", "1"]
    subprocess.run(["ffmpeg", "-v", "error", "-y", *lavfi, str(image)], check=True)
    with pytest.raises(DecodingFailed, match="no audio stream"):
        await FfmpegAudioDecoder().probe(image)


async def test_a_cancelled_decode_leaves_no_ffmpeg_behind(audio_dir: Path) -> None:
    long_file = write_wav(audio_dir / "long.wav", synth_track(seed=6, seconds=120.0, rate=48_000))
    task = asyncio.create_task(FfmpegAudioDecoder().decode(long_file, 48_000))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    running = subprocess.run(["pgrep", "-f", f"ffmpeg.*{long_file}"], capture_output=True)
    assert running.stdout == b""
