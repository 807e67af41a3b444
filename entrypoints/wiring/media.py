"""Audio files: where originals are kept, how they are read (whole, or as a stream), tagged
and deduplicated."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.chromaprint.dedup_fingerprinter import ChromaprintDedupFingerprinter
from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.ffmpeg.process import FfmpegUnusable, check_ffmpeg
from adapters.ffmpeg.stream import FfmpegAudioStream
from adapters.filesystem.audio_storage import FilesystemAudioStorage
from adapters.filesystem.print_store import FilesystemPrintStore
from adapters.mutagen.metadata_reader import MutagenMetadataReader
from adapters.system.clock import SystemClock
from adapters.wav.decoder import InProcessWavDecoder
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.audio_stream import AudioStreamDecoder
from domain.ports.clock import Clock
from domain.ports.dedup_fingerprinter import DedupFingerprinter
from domain.ports.metadata_reader import MetadataReader
from domain.ports.print_store import PrintStore
from entrypoints.settings import Settings, SettingsError


class FfmpegMissing(SettingsError):
    """ffmpeg is missing or too old: like a bad setting, the install must change before any
    command can run, so the CLI says so in one line instead of a traceback."""


async def _require_ffmpeg() -> None:
    try:
        await check_ffmpeg()
    except FfmpegUnusable as error:
        raise FfmpegMissing(str(error)) from error


class MediaProvider(Provider):
    scope = Scope.APP

    @provide
    def storage(self, settings: Settings) -> AudioStorage:
        return FilesystemAudioStorage(settings.audio_storage_root, settings.audio_files_path)

    @provide
    def prints(self, settings: Settings) -> PrintStore:
        """Beside the stored audio (one folder every node mounts, when AUDIO_FILES_PATH)."""
        return FilesystemPrintStore(settings.prints_path)

    @provide
    async def decoder(self) -> AudioDecoder:
        await _require_ffmpeg()  # a missing or too old ffmpeg is said at start, not per file
        # Plain WAV (most clips) without a child process; ffmpeg for everything else.
        return InProcessWavDecoder(FfmpegAudioDecoder())

    @provide
    async def audio_stream(self) -> AudioStreamDecoder:
        await _require_ffmpeg()
        return FfmpegAudioStream()

    metadata = provide(MutagenMetadataReader, provides=MetadataReader)
    dedup = provide(ChromaprintDedupFingerprinter, provides=DedupFingerprinter)
    clock = provide(SystemClock, provides=Clock)
