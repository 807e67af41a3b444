from __future__ import annotations

import hashlib
import re

_KEY = re.compile(r"[0-9a-f]{64}")


class InMemoryPrintStore:
    """Stored prints in a dict, keyed by the SHA-256 of their bytes."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    async def put(self, content: bytes) -> str:
        key = hashlib.sha256(content).hexdigest()
        self.blobs[key] = bytes(content)
        return key

    async def get(self, key: str) -> bytes:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a prints key: {key!r}")
        if key not in self.blobs:
            raise FileNotFoundError(key)
        return self.blobs[key]

    async def delete(self, key: str) -> None:
        self.blobs.pop(key, None)
