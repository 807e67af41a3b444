"""One print matched against the fingerprint index: the clip lane's passes and the
timeline's windows both ask this way, so both get the one matcher (domain.exact.matcher)."""

from __future__ import annotations

from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.matcher import match_print
from domain.matches import ExactMatch
from domain.ports.fingerprint_index import FingerprintIndex


async def match_exact(
    index: FingerprintIndex, fingerprint: LandmarkFingerprint, limit: int
) -> list[ExactMatch]:
    """Verified matches of `fingerprint`, best first (see match_print), read from one
    snapshot of the index off the event loop."""
    return await index.read(lambda snapshot: match_print(snapshot, fingerprint, limit))
