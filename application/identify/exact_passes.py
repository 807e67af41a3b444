"""The exact lane's passes, written once for clips (IdentifyExact) and timeline windows
(WindowMatcher): which prints are tried in which order, and what a match is worth after
the tries made.

Three passes, each only when the ones before did not settle the question. The first uses
the index's own (sparse) analysis: a clean clip then yields the very hashes the index
holds, with few lookups, which is what keeps large indexes fast. The second adds probed
scale-free triplets and fits the time scale, so tempo, pitch and speed changes cost one
lookup; the last, for heavy noise, retries pairs of still denser peaks, more of them per
anchor (Side.NOISY), at every assumed speed, with hashes tolerant of peaks moved by a frame.
Both the first two fit a slope, so a match's `speed` is the fitted time scale whichever
pass found it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence

from application.identify.exact_lookup import match_exact
from domain.exact.analysis import INDEXED, STRETCHABLE, LandmarkAnalysis, noisy
from domain.exact.fingerprint import MAX_STRETCH, LandmarkFingerprint
from domain.matches import ExactMatch
from domain.ports.fingerprint_index import FingerprintIndex

# Assumed playback speeds for the last pass's pair hashes. The slope fit of the first two
# passes finds off-speed clips, so the last pass, for heavy noise, only looks as played:
# trying 0.97..1.03 there too found nothing more on either dev query set and tripled its cost.
SPEEDS = (1.0,)

Pass = tuple[LandmarkAnalysis, ...]
# The prints of some audio for these analyses, in their order (a clip's, or a window's).
PrintsOf = Callable[[Pass], Awaitable[list[LandmarkFingerprint]]]


def exact_passes(
    stretch: float = MAX_STRETCH, speeds: Sequence[float] = SPEEDS
) -> tuple[Pass, ...]:
    """The passes in their order; `stretch`: the time scales the first two fit."""
    return (
        (dataclasses.replace(INDEXED, stretch=stretch),),
        (dataclasses.replace(STRETCHABLE, stretch=stretch),),
        tuple(noisy(speed) for speed in speeds),
    )


@dataclasses.dataclass(slots=True)
class PassResults:
    """Every match the passes tried so far found, and how many prints they tried."""

    found: list[ExactMatch] = dataclasses.field(default_factory=list[ExactMatch])
    tries: int = 0

    def corrected(self, match: ExactMatch) -> float:
        """A match's confidence after the tries (k independent tries: confidence ** k), so
        extra passes do not buy false hits."""
        return match.confidence ** max(1, self.tries)

    def best(self) -> float:
        return max((self.corrected(m) for m in self.found), default=0.0)


async def try_pass(
    analyses: Pass, prints_of: PrintsOf, index: FingerprintIndex, limit: int, into: PassResults
) -> bool:
    """One pass's prints matched into `into`; False when none of them had landmarks."""
    any_landmarks = False
    for fingerprint in await prints_of(analyses):
        if len(fingerprint):
            any_landmarks = True
            into.found += await match_exact(index, fingerprint, limit)
        into.tries += 1
    return any_landmarks


async def run_passes(
    passes: Sequence[Pass],
    prints_of: PrintsOf,
    index: FingerprintIndex,
    limit: int,
    settled: Callable[[PassResults], bool],
) -> PassResults:
    """The passes in order until `settled` says the results so far are enough."""
    results = PassResults()
    for analyses in passes:
        await try_pass(analyses, prints_of, index, limit, results)
        if settled(results):
            break
    return results


def best_per_track(results: PassResults, min_confidence: float, limit: int) -> list[ExactMatch]:
    """Each track's best match with its corrected confidence, the confident ones, best first."""
    best: dict[object, ExactMatch] = {}
    for match in results.found:
        held = best.get(match.track_id)
        if held is None or (match.confidence, match.aligned_hashes) > (
            held.confidence,
            held.aligned_hashes,
        ):
            best[match.track_id] = match
    kept = [
        dataclasses.replace(m, confidence=round(results.corrected(m), 6))
        for m in best.values()
        if results.corrected(m) >= min_confidence
    ]
    kept.sort(key=lambda m: (-m.confidence, -m.aligned_hashes))
    return kept[:limit]
