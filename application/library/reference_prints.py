"""A track's reference landmarks, made once at ingest and read back by every rebuild."""

from __future__ import annotations

import hashlib
import logging

from domain.audio import PcmAudio
from domain.exact.analysis import INDEXED
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.stored_prints import UnreadablePrints, decode_prints, encode_prints
from domain.ports.fingerprint_index import Fingerprinter
from domain.ports.print_store import PrintStore

log = logging.getLogger(__name__)


class ReferencePrints:
    """Makes the prints the fingerprint index keeps for a track (INDEXED) and stores them
    content-addressed; `load` gives them back only when they are exactly what was stored,
    in this build's format and recipe, at the fingerprinter's frame length."""

    def __init__(self, fingerprinter: Fingerprinter, store: PrintStore) -> None:
        self._fingerprinter, self._store = fingerprinter, store

    async def make(self, audio: PcmAudio) -> LandmarkFingerprint:
        (print_,) = await self._fingerprinter.prints(audio, [INDEXED])
        return print_

    async def store(self, print_: LandmarkFingerprint) -> str:
        """The key under which `print_` is now stored."""
        return await self._store.put(encode_prints(print_))

    async def load(self, key: str) -> LandmarkFingerprint | None:
        """The stored prints, or None (with the reason logged) when they are missing,
        corrupt or made another way: the caller then decodes the audio again."""
        try:
            blob = await self._store.get(key)
        except (FileNotFoundError, ValueError) as error:
            log.warning("stored prints %s unavailable (%s); decoding the audio", key, error)
            return None
        if hashlib.sha256(blob).hexdigest() != key:
            log.warning("stored prints %s are corrupt (hash differs); decoding the audio", key)
            return None
        try:
            print_ = decode_prints(blob)
        except UnreadablePrints as error:
            log.warning("stored prints %s unreadable (%s); decoding the audio", key, error)
            return None
        if print_.frame_seconds != self._fingerprinter.framing.frame_seconds:
            log.warning("stored prints %s use another frame length; decoding the audio", key)
            return None
        return print_
