"""A stream's landmarks, made once per block as the audio arrives, and cut into windows.

Each block is fingerprinted with the audio context its landmarks depend on (the
fingerprinter's framing) on either side, and keeps only the landmarks anchored inside it:
so the blocks together hold exactly the landmarks of the whole stream, and overlapping
windows share them instead of fingerprinting their audio again. The first pass's analyses
are made for every block as it is fingerprinted; any other analysis only for the blocks a
window needs it for, and at most once (the block's peaks are found once for all of them, see
the Fingerprinter port). Blocks no future window reaches are dropped, so memory stays bounded
whatever the stream's length.
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.analysis import LandmarkAnalysis
from domain.exact.fingerprint import LandmarkFingerprint
from domain.ports.fingerprint_index import Fingerprinter


@dataclass(frozen=True, slots=True)
class _Landmarks:
    """Hashes and their anchors in stream frames (on the stream's own time axis)."""

    hashes: npt.NDArray[np.uint64]
    frames: npt.NDArray[np.float64]


@dataclass(slots=True)
class _Block:
    first_frame: int  # the block's own anchors are in [first_frame, end_frame)
    end_frame: int
    audio: PcmAudio  # its samples with the context either side, from `audio_frame`
    audio_frame: int
    prints: dict[LandmarkAnalysis, _Landmarks] = field(
        default_factory=dict[LandmarkAnalysis, _Landmarks]
    )


class StreamPrints:
    """Push decoded 16 kHz audio in; ask for any window's landmarks once it is fingerprinted."""

    def __init__(
        self,
        fingerprinter: Fingerprinter,
        block_seconds: float,
        eager: Sequence[LandmarkAnalysis],
    ) -> None:
        """`eager`: the analyses every block is made with as soon as its audio is in."""
        framing = fingerprinter.framing
        self._fingerprinter = fingerprinter
        self._eager = tuple(_key(a) for a in eager)
        self.frame_seconds = framing.frame_seconds
        self._hop = max(1, round(framing.frame_seconds * FINGERPRINT_RATE))  # samples per frame
        self._before = math.ceil(framing.before_seconds * FINGERPRINT_RATE / self._hop)
        self._after = math.ceil(framing.after_seconds * FINGERPRINT_RATE / self._hop)
        self._block = max(1, round(block_seconds / framing.frame_seconds))  # frames
        self._pending = np.zeros(0, np.float32)
        self._pending_frame = 0  # stream frame of _pending[0]
        self._received = 0  # samples so far
        self._next_frame = 0  # where the next block's anchors start
        self._blocks: deque[_Block] = deque()

    @property
    def received_seconds(self) -> float:
        return self._received / FINGERPRINT_RATE

    @property
    def ready_seconds(self) -> float:
        """Every landmark anchored before this time is known."""
        return self._next_frame * self.frame_seconds

    def push(self, audio: PcmAudio) -> None:
        if audio.sample_rate != FINGERPRINT_RATE:
            raise ValueError(f"stream landmarks need {FINGERPRINT_RATE} Hz audio")
        self._pending = np.concatenate([self._pending, audio.samples])
        self._received += len(audio.samples)

    async def fingerprint_ready(self, final: bool = False) -> None:
        """Fingerprint every block whose audio (and the context after it) has arrived;
        `final`: the stream has ended, so the last block takes what there is."""
        while True:
            end = self._next_frame + self._block
            if final:
                end = min(end, math.ceil(self._received / self._hop))
                if end <= self._next_frame:
                    return
            elif (end + self._after) * self._hop > self._received:
                return
            await self._make_block(self._next_frame, end)

    async def _make_block(self, first: int, end: int) -> None:
        start = max(0, first - self._before)
        lo = (start - self._pending_frame) * self._hop
        hi = (end + self._after - self._pending_frame) * self._hop
        audio = PcmAudio(self._pending[lo:hi].copy(), FINGERPRINT_RATE)
        block = _Block(first, end, audio, start)
        await self._make_prints(block, self._eager)
        self._blocks.append(block)
        self._next_frame = end
        keep_from = max(0, end - self._before)  # the next block's context starts there
        cut = (keep_from - self._pending_frame) * self._hop
        if cut > 0:
            self._pending = self._pending[cut:]
            self._pending_frame = keep_from

    def _own(self, block: _Block, fingerprint: LandmarkFingerprint) -> _Landmarks:
        frames = fingerprint.times.astype(np.float64) / fingerprint.speed + block.audio_frame
        # Rounded like the fingerprinter rounds anchors, so that no anchor falls between blocks.
        inside = (np.rint(frames) >= block.first_frame) & (np.rint(frames) < block.end_frame)
        return _Landmarks(fingerprint.hashes[inside], frames[inside])

    async def window(
        self, start: float, end: float, analysis: LandmarkAnalysis
    ) -> LandmarkFingerprint:
        """Landmarks of `analysis` anchored in [start, end) seconds, timed from `start`
        (on the reference's axis at the analysis's assumed speed), with its stretch."""
        first, last = round(start / self.frame_seconds), round(end / self.frame_seconds)
        key = _key(analysis)
        parts: list[_Landmarks] = []
        for block in self._blocks:
            if block.end_frame <= first or block.first_frame >= last:
                continue
            if key not in block.prints:
                await self._make_prints(block, (key,))
            parts.append(block.prints[key])
        scale = analysis.speed
        hashes = np.concatenate([p.hashes for p in parts]) if parts else np.zeros(0, np.uint64)
        frames = np.concatenate([p.frames for p in parts]) if parts else np.zeros(0)
        inside = (np.rint(frames) >= first) & (np.rint(frames) < last)
        times = np.rint((frames[inside] - first) * scale).astype(np.uint32)
        return LandmarkFingerprint(
            hashes=hashes[inside],
            times=times,
            frame_seconds=self.frame_seconds,
            frames=int(round((last - first) * scale)),
            speed=scale,
            stretch=analysis.stretch,
        )

    async def windows(
        self, start: float, end: float, analyses: Sequence[LandmarkAnalysis]
    ) -> list[LandmarkFingerprint]:
        """`window` for each analysis, in their order (a pass's prints of one window)."""
        return [await self.window(start, end, analysis) for analysis in analyses]

    async def _make_prints(self, block: _Block, keys: Sequence[LandmarkAnalysis]) -> None:
        wanted = [key for key in keys if key not in block.prints]
        if wanted:
            made = await self._fingerprinter.prints(block.audio, wanted)
            for key, fingerprint in zip(wanted, made, strict=True):
                block.prints[key] = self._own(block, fingerprint)

    def forget_before(self, seconds: float) -> None:
        """No window will start before `seconds` again: drop the blocks that lie before it."""
        frame = math.floor(seconds / self.frame_seconds)
        while self._blocks and self._blocks[0].end_frame <= frame:
            self._blocks.popleft()


def _key(analysis: LandmarkAnalysis) -> LandmarkAnalysis:
    """What a block's landmarks depend on: the stretch is the matcher's, not the print's."""
    return dataclasses.replace(analysis, stretch=0.0)
