"""Advisory lock keys: stable 64-bit numbers derived from names."""

from __future__ import annotations

import hashlib


def advisory_key(name: str) -> int:
    digest = hashlib.sha256(f"audio-ident:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


# Held by every transaction that changes the catalogue or appends events, until it ends:
# duplicate checks see each other's rows, and event positions commit in increasing order.
CATALOG_LOCK = advisory_key("catalog")
