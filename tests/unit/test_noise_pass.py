"""The noise pass (Side.NOISY): under 0 dB of noise, its pairs line up with the track where
the dense query pairs do, and at more query times: noise buries most of the reference's
peaks and adds its own, and the denser peaks with twice the targets per anchor still pair
the survivors."""

from __future__ import annotations

from adapters.landmarks.fingerprinter import NOISY, QUERY, CffiLandmarkFingerprinter
from application.identify.exact_passes import exact_passes
from domain.exact.analysis import INDEXED, Side, dense, noisy
from domain.exact.fingerprint import LandmarkFingerprint
from tests.support.synthetic import add_noise, cut, synthetic_track

OFFSET = 625  # frames: the clip starts 5 s into the track


def aligned_times(reference: LandmarkFingerprint, query: LandmarkFingerprint) -> int:
    """Query times with a hash that the reference holds OFFSET (+-2) frames later."""
    held: dict[int, list[int]] = {}
    for key, time in zip(reference.hashes.tolist(), reference.times.tolist(), strict=True):
        held.setdefault(key, []).append(time)
    return len(
        {
            time
            for key, time in zip(query.hashes.tolist(), query.times.tolist(), strict=True)
            if any(abs(at - time - OFFSET) <= 2 for at in held.get(key, ()))
        }
    )


async def test_under_heavy_noise_the_noise_pass_lines_up_at_more_times() -> None:
    printer = CffiLandmarkFingerprinter()
    dense_total = noisy_total = 0
    for seed in (1, 4, 5, 6):
        track = synthetic_track(seed, 30.0)
        (reference,) = await printer.prints(track, [INDEXED])
        clip = add_noise(cut(track, OFFSET * 128, 5.0), 0.0, seed=seed + 50)
        as_dense, as_noisy = await printer.prints(clip, [dense(tolerant=True), noisy()])
        dense_total += aligned_times(reference, as_dense)
        noisy_total += aligned_times(reference, as_noisy)
    assert noisy_total >= dense_total + 8  # 83 against 95 when written


def test_the_last_pass_is_the_noise_pass_and_its_peaks_are_the_densest() -> None:
    *_, last = exact_passes()
    assert [analysis.pairs for analysis in last] == [Side.NOISY]
    assert all(analysis.tolerant for analysis in last)
    assert NOISY.peaks.half_t < QUERY.peaks.half_t and NOISY.pairs.fanout > QUERY.pairs.fanout
