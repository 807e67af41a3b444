"""SearchPolicy: the defaults a caller gets, and the clip limits IdentifyClip applies."""

from __future__ import annotations

import pytest

from adapters.memory.vector_index import InMemoryVectorIndex
from application.capacity.admission import AdmissionPolicy, CpuAdmission
from application.identify.identify_clip import IdentifyClip
from application.identify.identify_exact import IdentifyExact
from application.identify.identify_result import SearchMode
from application.identify.search_policy import SearchPolicy
from application.identify.vibe_search import VibeSearch
from domain.audio import PcmAudio
from domain.errors import InvalidAudio
from domain.matches import ExactMatch
from tests.support.audio_factory import synth_track
from tests.support.fixtures.memory_app import MemoryApp


def test_what_a_caller_that_names_nothing_gets() -> None:
    policy = SearchPolicy()
    assert policy.mode(None) is SearchMode.BOTH
    assert policy.mode(SearchMode.EXACT) is SearchMode.EXACT
    assert policy.top(None) == 5
    assert (policy.top(0), policy.top(7), policy.top(51)) == (1, 7, 50)


class _SeenByExact(IdentifyExact):
    """Records the audio the exact lane is given; matches nothing."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, audio: PcmAudio, limit: int = 5) -> list[ExactMatch]:
        self.seconds.append(audio.duration_seconds)
        return []


def _identify(app: MemoryApp, exact: IdentifyExact, policy: SearchPolicy) -> IdentifyClip:
    vibe = VibeSearch(None, InMemoryVectorIndex())
    admission = CpuAdmission(AdmissionPolicy.unbounded())
    return IdentifyClip(app.decoder, exact, vibe, app.uow, policy, admission)


async def test_the_exact_lane_looks_at_the_clips_first_seconds(app: MemoryApp) -> None:
    exact = _SeenByExact()
    identify = _identify(app, exact, SearchPolicy(exact_clip_seconds=30.0))
    result = await identify(app.add_file("long.wav", synth_track(1, 50.0)), SearchMode.EXACT, 5)
    assert exact.seconds == [pytest.approx(30.0, abs=0.01)]
    assert result.audio_seconds == pytest.approx(50.0, abs=0.01)


async def test_a_clip_past_the_policys_length_is_refused(app: MemoryApp) -> None:
    identify = _identify(app, _SeenByExact(), SearchPolicy(max_clip_seconds=60.0))
    with pytest.raises(InvalidAudio) as refused:
        await identify(app.add_file("too-long.wav", synth_track(2, 61.5)), SearchMode.EXACT, 5)
    assert refused.value.code == "AUDIO_TOO_LONG"
