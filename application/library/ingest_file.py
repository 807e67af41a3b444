"""Use case: add one audio file to the library."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from application.capacity.admission import CpuAdmission
from application.library.ingest_policy import IngestPolicy
from application.library.orphan_blobs import delete_unowned_blob
from application.library.reference_prints import ReferencePrints
from domain.audio import FINGERPRINT_RATE, AudioInfo, PcmAudio, Tags
from domain.errors import (
    AudioIdentError,
    ErrorCode,
    InvalidAudio,
    Overloaded,
    ServiceUnavailable,
    TrackAlreadyExists,
)
from domain.events import TrackIngested, TrackSourceReplaced
from domain.exact.fingerprint import Chromaprint, LandmarkFingerprint
from domain.library.best_copy import CopyQuality, Preference, preference
from domain.library.continuation import Containing, Placement, why_another_recording
from domain.library.ingest_outcome import IngestOutcome, IngestStatus
from domain.library.junction import BandLevels
from domain.library.near_duplicate import WORD_SECONDS, is_near_duplicate
from domain.library.source_file import SourceFile
from domain.library.track import Track
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.clock import Clock
from domain.ports.dedup_fingerprinter import DedupFingerprinter
from domain.ports.metadata_reader import MetadataReader
from domain.ports.tracks import TrackRepository
from domain.ports.unit_of_work import UnitOfWork
from domain.ports.unit_of_work_factory import UnitOfWorkFactory

CANDIDATES_PER_PIECE = 3  # a piece of a mix holds at most one or two recordings


@dataclass(frozen=True, slots=True)
class _Decided:
    """Why the file replaces `track`, decided before the catalogue lock (the audio checks
    are not repeated under it while the track's file is the same)."""

    track: Track
    why: Preference

    def still_holds(self, track: Track) -> bool:
        return track.id == self.track.id and track.sha256 == self.track.sha256


@dataclass(frozen=True, slots=True)
class _Examined:
    source: SourceFile
    info: AudioInfo
    tags: Tags
    audio: PcmAudio
    print_: Chromaprint
    landmarks: LandmarkFingerprint  # what the fingerprint index keeps for the track


class IngestFile:
    """Validate, dedupe, store and record one file; the indexes follow from the event.

    A copy of a library track (the same bytes, the same recording re-encoded, or one
    contained in the other) is a duplicate of it; when it is the better copy
    (`domain.library.best_copy`) it replaces the track's file, keeping the track's id and
    history, with a `TrackSourceReplaced` event. A longer file replaces it only when it is
    the same recording with more of it (`domain.library.continuation`): one that holds the
    track among other audio or other library tracks is reported as containing it, and the
    track keeps its copy.

    Nothing is half-written: the blob is stored before the transaction that records the
    track row and its event, and removed again if that transaction fails; a replaced file
    is removed only after the transaction that stops pointing at it commits.
    The track's reference landmarks are made here, from the audio already decoded, and
    stored once (`ReferencePrints`); the event names them, so the fingerprint index is
    rebuilt from them without decoding the file again.
    Probing, decoding, Chromaprint and landmarks run inside an `admission` slot. A fault of the
    service (`ServiceUnavailable`, `Overloaded`) is raised, not reported as the file's.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        storage: AudioStorage,
        decoder: AudioDecoder,
        metadata: MetadataReader,
        dedup: DedupFingerprinter,
        clock: Clock,
        policy: IngestPolicy,
        admission: CpuAdmission,
        reference: ReferencePrints,
    ) -> None:
        self._admission, self._reference = admission, reference
        self._uow, self._storage, self._decoder = uow, storage, decoder
        self._metadata, self._dedup, self._clock, self._policy = metadata, dedup, clock, policy

    async def __call__(self, path: Path, display_name: str | None = None) -> IngestOutcome:
        try:
            source = await self._storage.inspect(path)
            if source.size == 0:
                raise InvalidAudio(ErrorCode.EMPTY_FILE, "the file is empty")
            async with self._uow() as uow:  # the same bytes: known without decoding
                same_bytes = await uow.tracks.get_by_sha256(source.sha256)
            if same_bytes is not None:
                return IngestOutcome(IngestStatus.DUPLICATE, same_bytes.id)
            async with self._admission.slot():
                examined = await self._examine(path, source)
            async with self._uow() as uow:
                # The same bytes were looked for before decoding; here only the same recording.
                existing = await _same_recording(uow.tracks, examined, self._policy)
                why = None if existing is None else await _why_keep(uow.tracks, examined, existing)
            if existing is not None and not isinstance(why, Preference):
                return _kept(existing, why)
            decided = _Decided(existing, why) if existing and isinstance(why, Preference) else None
            return await self._record(path, display_name or path.name, examined, decided)
        except (ServiceUnavailable, Overloaded):
            raise  # the service's fault, not the file's: the caller decides (retry, 503)
        except AudioIdentError as error:
            return IngestOutcome(IngestStatus.FAILED, None, error.message, error.code)

    async def _examine(self, path: Path, source: SourceFile) -> _Examined:
        info = await self._decoder.probe(path)
        if info.duration_seconds > self._policy.max_seconds:
            raise InvalidAudio(
                ErrorCode.AUDIO_TOO_LONG,
                f"audio is {info.duration_seconds:.0f} s long; the limit is "
                f"{self._policy.max_seconds:.0f} s",
            )
        tags = await self._metadata.read(path)
        # Bounded: a file whose header understates its length must not fill memory.
        longest = self._policy.max_seconds + 1.0
        audio = await self._decoder.decode(path, FINGERPRINT_RATE, max_seconds=longest)
        declared = max(info.duration_seconds, tags.declared_seconds or 0.0)
        self._check_decoded_length(declared, audio)
        dedup = await self._dedup.fingerprint(audio)
        return _Examined(source, info, tags, audio, dedup, await self._reference.make(audio))

    def _check_decoded_length(self, declared: float, audio: PcmAudio) -> None:
        decoded = audio.duration_seconds
        if declared > 0 and decoded < declared * self._policy.min_decoded_fraction:
            raise InvalidAudio(
                ErrorCode.CORRUPT_AUDIO,
                f"truncated or corrupt: decoded {decoded:.1f} s of the "
                f"{declared:.1f} s the file declares",
            )
        if decoded < self._policy.min_seconds:
            raise InvalidAudio(
                ErrorCode.AUDIO_TOO_SHORT,
                f"audio is {decoded:.1f} s long; a library track needs at least "
                f"{self._policy.min_seconds:g} s",
            )
        if decoded > self._policy.max_seconds:
            raise InvalidAudio(ErrorCode.AUDIO_TOO_LONG, f"audio is {decoded:.0f} s long")

    async def _record(
        self, path: Path, name: str, examined: _Examined, decided: _Decided | None
    ) -> IngestOutcome:
        """Store the file, then record it as a new track or as the better copy of one
        (`decided` before the lock, and still true if that track's file is unchanged)."""
        sha256 = examined.source.sha256
        key = await self._storage.put(path, sha256, path.suffix)
        committed = False
        replaced: Track | None = None
        try:
            # Not removed if the track is not recorded: the same prints may be a committed
            # twin's (prints are small; the original is removed below).
            prints_key = await self._reference.store(examined.landmarks)
            async with self._uow() as uow:
                await uow.tracks.lock_catalog()
                # Checked again under the lock: another process may have just added it.
                existing = await _copy_in_library(uow.tracks, examined, self._policy)
                if existing is None:
                    outcome = await self._add(uow, name, examined, key, prints_key)
                else:
                    why = (
                        decided.why
                        if decided is not None and decided.still_holds(existing)
                        else await _why_keep(uow.tracks, examined, existing)
                    )
                    if not isinstance(why, Preference):
                        return _kept(existing, why)
                    outcome = await self._replace(
                        uow, existing, why, name, examined, key, prints_key
                    )
                    replaced = existing
                if not await self._storage.exists(key):
                    # Removed meanwhile by a deletion of the same content: store it again.
                    await self._storage.put(path, sha256, path.suffix)
                await uow.commit()
                committed = True
        except TrackAlreadyExists:
            async with self._uow() as uow:
                winner = await uow.tracks.get_by_sha256(sha256)
            return IngestOutcome(IngestStatus.DUPLICATE, winner.id if winner else None)
        finally:
            if not committed:
                # Content-addressed: the same blob may belong to a committed twin.
                await delete_unowned_blob(self._uow, self._storage, key, sha256)
        if replaced is not None:  # only now: until the commit, the row pointed at it
            await delete_unowned_blob(
                self._uow, self._storage, replaced.storage_key, replaced.sha256
            )
        return outcome

    async def _add(
        self, uow: UnitOfWork, name: str, examined: _Examined, key: str, prints_key: str
    ) -> IngestOutcome:
        track = self._new_track(name, examined)
        track.storage_key = key
        await uow.tracks.add(track)
        await uow.events.append(
            TrackIngested(track.id, key, track.duration_seconds, prints_key=prints_key)
        )
        return IngestOutcome(IngestStatus.INGESTED, track.id)

    async def _replace(
        self,
        uow: UnitOfWork,
        kept: Track,
        why: Preference,
        name: str,
        examined: _Examined,
        key: str,
        prints_key: str,
    ) -> IngestOutcome:
        """The track keeps its id, names and history; its file and what was read from the
        file are the new copy's, and the indexes re-index it from the event."""
        fresh = self._new_track(name, examined)
        better = replace(
            fresh,
            id=kept.id,
            title=kept.title,
            artist=kept.artist,
            album=kept.album,
            created_at=kept.created_at,
            storage_key=key,
        )
        await uow.tracks.update(better)
        await uow.events.append(
            TrackSourceReplaced(
                kept.id,
                key,
                better.duration_seconds,
                kept.storage_key,
                why.value,
                prints_key=prints_key,
            )
        )
        reason = f"replaced the kept copy: {why.value}"
        return IngestOutcome(IngestStatus.DUPLICATE, kept.id, reason)

    def _new_track(self, name: str, examined: _Examined) -> Track:
        now = self._clock.now()
        info, tags = examined.info, examined.tags
        return Track(
            title=tags.title or Path(name).stem,
            artist=tags.artist,
            album=tags.album,
            duration_seconds=round(examined.audio.duration_seconds, 3),
            format=info.format,
            sample_rate=info.sample_rate,
            channels=info.channels,
            bitrate=info.bitrate,
            file_size=examined.source.size,
            sha256=examined.source.sha256,
            storage_key="",
            chromaprint=examined.print_.as_ints(),
            created_at=now,
            updated_at=now,
            original_filename=Path(name).name,
            codec=info.codec,
        )


async def _why_keep(
    tracks: TrackRepository, examined: _Examined, kept: Track
) -> Preference | Containing | None:
    """Why the examined file replaces the kept track's (a `Preference`), or why the track
    keeps its copy: the file contains it among other audio (`Containing`), or is no better
    (None)."""
    info = examined.info
    new = CopyQuality(info.codec, info.format, info.bitrate, examined.audio.duration_seconds)
    old = CopyQuality(kept.codec, kept.format, kept.bitrate, kept.duration_seconds)
    why = preference(new, old)
    if why is not Preference.LONGER:
        return why
    kept_print = Chromaprint.from_ints(kept.chromaprint)
    place = Placement.of(kept_print, kept.duration_seconds, examined.print_, new.duration_seconds)
    levels = BandLevels.of(examined.audio)
    other = why_another_recording(place, kept_print, examined.print_, levels)
    if other is None and await _holds_other_tracks(tracks, place, examined, kept):
        other = Containing.OTHER_TRACKS
    return other or why


async def _holds_other_tracks(
    tracks: TrackRepository, place: Placement, examined: _Examined, kept: Track
) -> bool:
    """Whether the file, outside the kept track's part, holds part of another library track."""
    for piece in place.outside_words(examined.print_):
        seconds = len(piece.words) * WORD_SECONDS
        for candidate in await tracks.near_duplicate_candidates(piece, CANDIDATES_PER_PIECE):
            if candidate.id == kept.id:
                continue  # the recording repeating itself is no other track
            reference = Chromaprint.from_ints(candidate.chromaprint)
            if is_near_duplicate(reference, candidate.duration_seconds, piece, seconds):
                return True
    return False


def _kept(track: Track, why: Containing | None) -> IngestOutcome:
    if why is None:
        return IngestOutcome(IngestStatus.DUPLICATE, track.id)
    reason = f"contains the track, with {why.value}; the track keeps its copy"
    return IngestOutcome(IngestStatus.DUPLICATE, track.id, reason)


async def _copy_in_library(
    tracks: TrackRepository, examined: _Examined, policy: IngestPolicy
) -> Track | None:
    """The library track this file is a copy of: the same bytes, or the same recording."""
    same_bytes = await tracks.get_by_sha256(examined.source.sha256)
    return same_bytes or await _same_recording(tracks, examined, policy)


async def _same_recording(
    tracks: TrackRepository, examined: _Examined, policy: IngestPolicy
) -> Track | None:
    """A track whose Chromaprint aligns with this file's: a re-encode of the same recording,
    or a copy of it cut short (or one that it is cut from)."""
    seconds = examined.audio.duration_seconds
    limit = policy.near_duplicate_candidates
    for candidate in await tracks.near_duplicate_candidates(examined.print_, limit):
        reference = Chromaprint.from_ints(candidate.chromaprint)
        if is_near_duplicate(reference, candidate.duration_seconds, examined.print_, seconds):
            return candidate
    return None
