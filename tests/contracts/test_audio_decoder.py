"""Contract of AudioDecoder: in-memory twin, ffmpeg, and plain WAV in process over ffmpeg."""

from __future__ import annotations

import asyncio
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.memory.audio_decoder import InMemoryAudioDecoder
from adapters.wav.decoder import InProcessWavDecoder
from domain.audio import AudioInfo, PcmAudio
from domain.errors import DecodingFailed
from domain.ports.audio_decoder import AudioDecoder
from tests.support.audio_factory import encode, synth_track, write_wav


@pytest.fixture(params=["memory", "memory-reading-wav", "ffmpeg", "wav-in-process"])
def decoder_and_file(request: pytest.FixtureRequest, audio_dir: Path) -> tuple[AudioDecoder, Path]:
    audio = synth_track(seed=4, seconds=4.0, rate=44_100)
    path = write_wav(audio_dir / "tone.wav", audio)
    if request.param == "memory":
        memory = InMemoryAudioDecoder()
        memory.register(path.name, audio)
        return memory, path
    if request.param == "memory-reading-wav":
        return InMemoryAudioDecoder(), path  # not registered: read from the file itself
    if request.param == "wav-in-process":
        return InProcessWavDecoder(FfmpegAudioDecoder()), path
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


def _stereo_wav(path: Path, seconds: float, rate: int) -> Path:
    left, right = (synth_track(seed, seconds, rate).as_int16() for seed in (7, 8))
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(np.stack([left, right], axis=1).tobytes())
    return path


@pytest.mark.parametrize("max_seconds", [None, 2.5])
async def test_wav_read_in_process_gives_ffmpegs_samples(
    audio_dir: Path, max_seconds: float | None
) -> None:
    # The same downmix and level as ffmpeg's, so fingerprints do not depend on the reader.
    path = _stereo_wav(audio_dir / "stereo.wav", 6.0, 44_100)
    ours = await InProcessWavDecoder(_Refusing()).decode(path, 16_000, max_seconds)
    theirs = await FfmpegAudioDecoder().decode(path, 16_000, max_seconds)
    assert abs(len(ours.samples) - len(theirs.samples)) <= 2
    count = min(len(ours.samples), len(theirs.samples))
    a, b = ours.samples[:count], theirs.samples[:count]
    assert np.corrcoef(a, b)[0, 1] > 0.9999
    assert float(np.sqrt(np.mean(a**2))) == pytest.approx(float(np.sqrt(np.mean(b**2))), rel=0.01)


@pytest.mark.parametrize("codec", ["pcm_s24le", "pcm_f32le", "flac"])
async def test_other_files_go_to_the_fallback(audio_dir: Path, codec: str) -> None:
    wav = write_wav(audio_dir / "plain.wav", synth_track(seed=9, seconds=3.0, rate=22_050))
    suffix = ".flac" if codec == "flac" else ".wav"
    other = encode(wav, audio_dir / f"other-{codec}{suffix}", "-c:a", codec)
    with pytest.raises(DecodingFailed, match="refused"):
        await InProcessWavDecoder(_Refusing()).decode(other, 16_000)
    audio = await InProcessWavDecoder(FfmpegAudioDecoder()).decode(other, 16_000)
    assert audio.duration_seconds == pytest.approx(3.0, abs=0.05)


async def test_a_wav_claiming_an_odd_rate_goes_to_the_fallback(audio_dir: Path) -> None:
    odd = write_wav(audio_dir / "odd.wav", synth_track(seed=10, seconds=2.0, rate=16_000))
    header = bytearray(odd.read_bytes())
    header[24:28] = (1_000_000_000).to_bytes(4, "little")  # the fmt chunk's sample rate
    odd.write_bytes(bytes(header))
    with pytest.raises(DecodingFailed, match="refused"):
        await InProcessWavDecoder(_Refusing()).decode(odd, 16_000)


class _Refusing:
    """A fallback that refuses everything: what reaches it was not read in process."""

    async def probe(self, path: Path) -> AudioInfo:
        raise DecodingFailed("refused")

    async def decode(
        self, path: Path, sample_rate: int, max_seconds: float | None = None
    ) -> PcmAudio:
        raise DecodingFailed("refused")
