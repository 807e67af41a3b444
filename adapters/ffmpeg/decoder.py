from __future__ import annotations

import asyncio
import json
from pathlib import Path

import numpy as np

from adapters.ffmpeg.process import first_error_line, run_tool
from domain.audio import AudioInfo, PcmAudio
from domain.errors import DecodingFailed, ErrorCode, InvalidAudio


class FfmpegAudioDecoder:
    """Probes with ffprobe and decodes the first audio stream with ffmpeg to mono f32."""

    async def probe(self, path: Path) -> AudioInfo:
        if await asyncio.to_thread(_is_empty, path):
            raise InvalidAudio(ErrorCode.EMPTY_FILE, "the file is empty")
        result = await run_tool(
            "ffprobe", "-v", "error", "-print_format", "json",
            "-show_entries", "format=format_name,duration,bit_rate",
            "-show_entries", "stream=codec_type,codec_name,sample_rate,channels,duration",
            str(path),
        )  # fmt: skip
        if result.returncode != 0:
            raise DecodingFailed(
                "not an audio file or an unsupported format",
                {"ffprobe": first_error_line(result.stderr, str(path))},
            )
        report = json.loads(result.stdout or b"{}")
        audio = [s for s in report.get("streams", []) if s.get("codec_type") == "audio"]
        if not audio:
            raise DecodingFailed("the file has no audio stream")
        stream, container = audio[0], report.get("format", {})
        duration = _number(container.get("duration")) or _number(stream.get("duration")) or 0.0
        return AudioInfo(
            format=str(container.get("format_name", "unknown")).split(",")[0],
            codec=str(stream.get("codec_name", "unknown")),
            duration_seconds=duration,
            sample_rate=int(_number(stream.get("sample_rate")) or 0),
            channels=int(stream.get("channels") or 0),
            bitrate=int(b) if (b := _number(container.get("bit_rate"))) else None,
        )

    async def decode(
        self, path: Path, sample_rate: int, max_seconds: float | None = None
    ) -> PcmAudio:
        if await asyncio.to_thread(_is_empty, path):
            raise InvalidAudio(ErrorCode.EMPTY_FILE, "the file is empty")
        limit = ["-t", f"{max_seconds:.3f}"] if max_seconds is not None else []
        result = await run_tool(
            "ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-i", str(path), *limit,
            "-map", "0:a:0", "-ac", "1", "-ar", str(sample_rate), "-f", "f32le", "pipe:1",
        )  # fmt: skip
        if result.returncode != 0:
            raise DecodingFailed(
                "the audio could not be decoded (corrupt or unsupported)",
                {"ffmpeg": first_error_line(result.stderr, str(path))},
            )
        usable = len(result.stdout) - len(result.stdout) % 4
        samples = np.frombuffer(result.stdout[:usable], dtype="<f4").astype(np.float32)
        return PcmAudio(samples, sample_rate)


def _number(value: object) -> float | None:
    try:
        return float(value) if value not in (None, "N/A") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _is_empty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == 0
