"""Known answers on generated audio: a clip cut at a known offset is found there (±1 hop)."""

from __future__ import annotations

import uuid

import pytest

from application.identify.identify_exact import IdentifyExact
from domain.audio import PcmAudio
from domain.ports.fingerprint_index import FingerprintIndex
from tests.support.synthetic import RATE, add_noise, change_speed, cut, synthetic_track

HOP_SECONDS = 128 / RATE


@pytest.mark.parametrize("seed", [11, 22, 33])
@pytest.mark.parametrize(("start", "seconds"), [(0, 5.0), (48_123, 5.0), (301_777, 10.0)])
async def test_clean_clip_found_at_its_offset(
    filled_index: FingerprintIndex,
    tracks: dict[uuid.UUID, PcmAudio],
    fingerprinter,
    seed: int,
    start: int,
    seconds: float,
) -> None:
    track_id = uuid.UUID(int=seed)
    identify = IdentifyExact(fingerprinter, filled_index)
    matches = await identify(cut(tracks[track_id], start, seconds))
    assert matches[0].track_id == track_id
    assert abs(matches[0].offset_seconds - start / RATE) <= HOP_SECONDS
    assert matches[0].confidence > 0.99
    assert [m.track_id for m in matches].count(track_id) == 1


@pytest.mark.parametrize("snr_db", [10.0, 0.0])
async def test_noisy_clip_found_at_its_offset(
    filled_index: FingerprintIndex, tracks, fingerprinter, snr_db: float
) -> None:
    track_id = uuid.UUID(int=22)
    clip = add_noise(cut(tracks[track_id], 160_000, 10.0), snr_db)
    matches = await IdentifyExact(fingerprinter, filled_index)(clip)
    assert matches[0].track_id == track_id
    assert abs(matches[0].offset_seconds - 10.0) <= HOP_SECONDS


@pytest.mark.parametrize("speed", [1.02, 0.98, 1.03])
async def test_speed_changed_clip_found_near_its_offset(
    filled_index: FingerprintIndex, tracks, fingerprinter, speed: float
) -> None:
    track_id = uuid.UUID(int=33)
    clip = change_speed(cut(tracks[track_id], 15 * RATE, 10.5), speed)
    matches = await IdentifyExact(fingerprinter, filled_index)(clip)
    assert matches[0].track_id == track_id
    assert abs(matches[0].offset_seconds - 15.0) <= 0.1


async def test_thirty_second_query(filled_index: FingerprintIndex, tracks, fingerprinter) -> None:
    track_id = uuid.UUID(int=11)
    matches = await IdentifyExact(fingerprinter, filled_index)(cut(tracks[track_id], 80_000, 30.0))
    assert matches[0].track_id == track_id
    assert abs(matches[0].offset_seconds - 5.0) <= HOP_SECONDS
    assert matches[0].query_end > 25.0


@pytest.mark.parametrize("speed", [0.95, 1.05])
async def test_off_speed_clip_found_with_its_speed(
    filled_index: FingerprintIndex, tracks, fingerprinter, speed: float
) -> None:
    track_id = uuid.UUID(int=22)
    clip = change_speed(cut(tracks[track_id], 12 * RATE, 10.5), speed)
    (best, *_) = await IdentifyExact(fingerprinter, filled_index)(clip)
    assert best.track_id == track_id
    assert abs(best.offset_seconds - 12.0) <= 0.05
    assert abs(best.speed - speed) <= 0.005


@pytest.mark.parametrize("tempo", [0.9, 0.95, 1.05, 1.1])
async def test_key_locked_tempo_change_found_with_its_speed(
    filled_index: FingerprintIndex, fingerprinter, tempo: float
) -> None:
    # The same notes rendered at another tempo, pitch kept: 20 s into the track is
    # 20 / tempo s into the stretched rendering.
    stretched = synthetic_track(33, 40.0, time_scale=1 / tempo)
    clip = cut(stretched, int(20 / tempo * RATE), 10.0)
    (best, *_) = await IdentifyExact(fingerprinter, filled_index)(clip)
    assert best.track_id == uuid.UUID(int=33)
    assert abs(best.offset_seconds - 20.0) <= 0.1
    assert abs(best.speed - tempo) <= 0.01


@pytest.mark.parametrize("semitones", [-1, 1])
async def test_pitch_shifted_clip_found_at_speed_one(
    filled_index: FingerprintIndex, fingerprinter, semitones: int
) -> None:
    shifted = synthetic_track(11, 40.0, pitch_ratio=2 ** (semitones / 12))
    (best, *_) = await IdentifyExact(fingerprinter, filled_index)(cut(shifted, 25 * RATE, 10.0))
    assert best.track_id == uuid.UUID(int=11)
    assert abs(best.offset_seconds - 25.0) <= 0.05
    assert abs(best.speed - 1.0) <= 0.01
